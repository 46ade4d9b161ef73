#!/usr/bin/env python3
"""Combines two runs of `fm-bench reissue --json`, SQLite and PostgreSQL (bin/bench-reissue-backends), into one table
with the ratios PostgreSQL / SQLite: sequential p50 (latency; above 1 is slower) and throughput (above 1 is faster)."""
import argparse
import json

from compare_cashu import fm_rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sqlite")
    parser.add_argument("postgres")
    parser.add_argument("--load-before", required=True)
    parser.add_argument("--load-after", required=True)
    parser.add_argument("--cores", type=int, required=True)
    parser.add_argument("--postgres-version", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = {name: json.load(open(path)) for name, path in (("sqlite", args.sqlite), ("postgres", args.postgres))}
    if "PostgreSQL" not in reports["postgres"]["title"] or "SQLite" not in reports["sqlite"]["title"]:
        raise SystemExit("compare_backends: the reports' titles do not name SQLite and PostgreSQL")
    runs = {name: fm_rows(report) for name, report in reports.items()}
    comparison = []
    for n in (4, 1):
        sqlite, postgres = runs["sqlite"][n], runs["postgres"][n]
        comparison.append({"what": f"n = {n}, sequential p50 (ms)", "sqlite": sqlite["sequential_p50_ms"],
                           "postgres": postgres["sequential_p50_ms"],
                           "ratio": postgres["sequential_p50_ms"] / sqlite["sequential_p50_ms"]})
        comparison.append({"what": f"n = {n}, {sqlite['wallets']} wallets, reissues/s", "sqlite": sqlite["reissues_per_s"],
                           "postgres": postgres["reissues_per_s"],
                           "ratio": postgres["reissues_per_s"] / sqlite["reissues_per_s"]})
        comparison.append({"what": f"n = {n}, {sqlite['wallets']} wallets, p50 (ms)", "sqlite": sqlite["concurrent_p50_ms"],
                           "postgres": postgres["concurrent_p50_ms"],
                           "ratio": postgres["concurrent_p50_ms"] / sqlite["concurrent_p50_ms"]})
    schnorr = {name: next(row["result"]["medianNanoseconds"] / 1e3 for row in report["rows"]
                          if row["result"]["name"] == "schnorr verify") for name, report in reports.items()}
    out = {"comparison": comparison, "runs": runs, "schnorr_verify_p50_us": schnorr,
           "load_before": args.load_before, "load_after": args.load_after, "cores": args.cores,
           "postgres_version": args.postgres_version}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"e-cash reissue, SQLite vs PostgreSQL ({args.postgres_version}), one run; "
          f"load average {args.load_before} before, {args.load_after} after, {args.cores} cores")
    print(f"{'':34} {'SQLite':>10} {'PostgreSQL':>11} {'PG / SQLite':>12}")
    for row in comparison:
        print(f"{row['what']:34} {row['sqlite']:10.1f} {row['postgres']:11.1f} {row['ratio']:11.2f}x")
    print(f"reference: schnorr verify p50 {schnorr['sqlite']:.1f} us (SQLite run), {schnorr['postgres']:.1f} us (PostgreSQL run)")


if __name__ == "__main__":
    main()
