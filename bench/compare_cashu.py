#!/usr/bin/env python3
"""Combines one run of bench/cashu_swap.py (Nutshell) and `fm-bench reissue --json` (wallets 4 and 8) into the
side-by-side table of bin/bench-vs-cashu, with the ratios fm / Nutshell.

Blind signatures per second: Nutshell signs 7 per swap; fm signs one share per new note at each guardian, and a
reissue makes the number of notes the sequential row reports ("N notes out per reissue"), so fm's figure is
reissues/s x notes per reissue (signatures the client receives and keeps; n = 4 computes n times as many shares).
"""
import argparse
import json
import re


def fm_rows(report):
    rows = {row["result"]["name"]: row for row in report["rows"]}
    out = {}
    for n in (4, 1):
        sequential = rows[f"reissue, n = {n}, sequential"]
        notes = float(re.search(r"([0-9.]+) notes out per reissue", sequential["note"]).group(1))
        concurrent = next(row for name, row in rows.items() if name.startswith(f"reissue, n = {n}, ") and "at once" in name)
        wallets = int(re.search(r"(\d+) wallets at once", concurrent["result"]["name"]).group(1))
        rate = float(re.search(r"throughput ([0-9.]+) reissues/s", concurrent["note"]).group(1))
        out[n] = {"sequential_p50_ms": sequential["result"]["medianNanoseconds"] / 1e6, "notes_per_reissue": notes,
                  "wallets": wallets, "reissues_per_s": rate, "blind_signatures_per_s": rate * notes,
                  "concurrent_p50_ms": concurrent["result"]["medianNanoseconds"] / 1e6}
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cashu")
    parser.add_argument("fm", nargs="+")
    parser.add_argument("--load-before", required=True)
    parser.add_argument("--load-after", required=True)
    parser.add_argument("--cores", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cashu = json.load(open(args.cashu))
    fm = [fm_rows(json.load(open(path))) for path in args.fm]
    nutshell_by_tasks = {row["tasks"]: row for row in cashu["concurrent"]}
    comparison = []
    for n in (1, 4):
        first = fm[0][n]
        comparison.append({
            "what": f"sequential p50 (ms), fm n = {n} vs Nutshell", "fm": first["sequential_p50_ms"],
            "nutshell": cashu["sequential"]["p50_ms"], "ratio": first["sequential_p50_ms"] / cashu["sequential"]["p50_ms"]})
        for run in fm:
            row = run[n]
            nutshell = nutshell_by_tasks[row["wallets"]]
            comparison.append({
                "what": f"blind signatures/s, fm n = {n} with {row['wallets']} wallets vs Nutshell with {row['wallets']} tasks",
                "fm": row["blind_signatures_per_s"], "nutshell": nutshell["blind_signatures_per_s"],
                "ratio": row["blind_signatures_per_s"] / nutshell["blind_signatures_per_s"]})
    result = {"load_average_before": args.load_before, "load_average_after": args.load_after, "cores": args.cores,
              "nutshell": cashu, "fm": [{f"n={n}": run[n] for n in run} for run in fm], "comparison": comparison}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"e-cash: fm vs Nutshell 0.20.0 (FakeWallet, SQLite, loopback), one run; {args.cores} cores, "
          f"load average {args.load_before} before, {args.load_after} after")
    print(f"{'':<78} {'fm':>10} {'Nutshell':>10} {'fm/Nutshell':>12}")
    for row in comparison:
        print(f"{row['what']:<78} {row['fm']:>10.1f} {row['nutshell']:>10.1f} {row['ratio']:>11.2f}x")
    print(f"(JSON: {args.out}; fm notes per reissue: "
          + ", ".join(f"n = {n}: {fm[0][n]['notes_per_reissue']:.1f}" for n in (1, 4)) + "; Nutshell: 7 per swap)")


if __name__ == "__main__":
    main()
