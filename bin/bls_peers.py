"""fm's BLS12-381 side by side with blst and arkworks, measured in one run (driven by bin/bench-bls-peers).

Each repetition runs `fm-bench bls --compared-only --json` and then the same operations through blst (PyPI blspy
2.0.3; pyblst for the calls blspy does not expose) and arkworks (py-arkworks-bls12381). Every time is thread CPU
time (CLOCK_THREAD_CPUTIME_ID, as fm-bench uses), the median over the timed iterations, minus the measured cost of
the Python calls the row makes. Ratios are taken within each repetition; the table shows the median over the
repetitions. JSON on stdout, the table on stderr.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import blspy
import py_arkworks_bls12381 as ark
import pyblst

# RFC 9380 domain tag of fm's note messages (Sources/FMCrypto/HashToCurve/DomainTags.swift).
MINT_DST = b"FM-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
G1_COMPRESSED = bytes.fromhex(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb")
G2_COMPRESSED = bytes.fromhex(
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8")

# Rows in fm-bench's names, with its iteration counts (before --scale).
ROWS = [
    ("pairing", 200),
    ("multi-pairing of 8", 50),
    ("G1 scalar mult (const time)", 300),
    ("G2 scalar mult (const time)", 200),
    ("hash to G1", 300),
    ("share verify", 200),
    ("batch verify 100 notes", 20),
]


def rand_scalar(bits=255):
    while True:
        k = int.from_bytes(os.urandom(32), "big") >> (256 - bits)
        if 0 < k < R:
            return k


def timed_median(body, iterations, warmup=2):
    """Median thread CPU time of one call of body, in nanoseconds."""
    for _ in range(warmup):
        body()
    samples = []
    clock = time.thread_time_ns
    for _ in range(iterations):
        start = clock()
        body()
        samples.append(clock() - start)
    return statistics.median(samples)


def call_overhead(iterations=5000):
    """(frame, per call): the thread CPU time of an empty timed body (the clock reads and the closure call), and
    of one more Python call into a C function, which a row pays once per library call it makes."""
    value = b"x"
    frame = timed_median(lambda: None, iterations, warmup=100)
    hundred = timed_median(lambda: [len(value) for _ in range(100)], iterations // 10, warmup=10)
    return frame, max(0.0, (hundred - frame) / 100)


class Blst:
    """blst through blspy (pairing, hash to G1) and pyblst (scalar multiplication, Miller loops, final check)."""
    name = "blst"

    def __init__(self):
        self.g1 = pyblst.BlstP1Element().uncompress(G1_COMPRESSED)
        self.g2 = pyblst.BlstP2Element().uncompress(G2_COMPRESSED)

    def g1_times(self, k):
        return self.g1.scalar_mul(k)

    def g2_times(self, k):
        return self.g2.scalar_mul(k)

    def rows(self, scale):
        p = blspy.G1Element.from_bytes(bytes(self.g1_times(rand_scalar()).compress()))
        q = blspy.G2Element.from_bytes(bytes(self.g2_times(rand_scalar()).compress()))
        pairs = [(self.g1_times(rand_scalar()), self.g2_times(rand_scalar())) for _ in range(8)]
        p1 = self.g1_times(rand_scalar())
        q2 = self.g2_times(rand_scalar())
        k = rand_scalar()
        ml = pyblst.miller_loop
        counter = [0]

        def multi_pairing_8():
            f = ml(*pairs[0])
            for a, b in pairs[1:7]:
                f = f * ml(a, b)
            return pyblst.final_verify(f, ml(*pairs[7]))

        def hash_to_g1():
            counter[0] += 1
            return blspy.G1Element.from_message(counter[0].to_bytes(8, "little"), MINT_DST)

        # Share verify: e(σ, g2) = e(M, pk), one check with a single final exponentiation.
        secret = rand_scalar()
        message = pyblst.BlstP1Element().hash_to_group(b"share", MINT_DST)
        share = message.scalar_mul(secret)
        public = self.g2_times(secret)
        assert pyblst.final_verify(ml(share, self.g2), ml(message, public))

        # Batch of 100 notes: Σcᵢσᵢ and Σcᵢ·Mᵢ with random 64-bit cᵢ, then one two-pair check. pyblst has no
        # multi-scalar multiplication, so the sums are 200 separate 64-bit products: an upper bound for blst.
        notes = []
        for i in range(100):
            m = pyblst.BlstP1Element().hash_to_group(i.to_bytes(8, "little"), MINT_DST)
            notes.append((m, m.scalar_mul(secret)))
        coefficients = [int.from_bytes(os.urandom(8), "big") | 1 for _ in notes]

        def batch_verify():
            sig_sum = notes[0][1].scalar_mul(coefficients[0])
            msg_sum = notes[0][0].scalar_mul(coefficients[0])
            for (m, s), c in zip(notes[1:], coefficients[1:]):
                sig_sum = sig_sum + s.scalar_mul(c)
                msg_sum = msg_sum + m.scalar_mul(c)
            return pyblst.final_verify(ml(sig_sum, self.g2), ml(msg_sum, public))

        assert batch_verify()
        # (name, body, Python calls per iteration, note)
        return {
            "pairing": (lambda: p.pair(q), 1, "blspy G1Element.pair"),
            "multi-pairing of 8": (multi_pairing_8, 16,
                                   "pyblst: 8 separate Miller loops (blst's shared-loop call is not exposed) "
                                   "+ 1 final exponentiation"),
            "G1 scalar mult (const time)": (lambda: p1.scalar_mul(k), 1, "pyblst scalar_mul (blst_p1_mult)"),
            "G2 scalar mult (const time)": (lambda: q2.scalar_mul(k), 1, "pyblst scalar_mul (blst_p2_mult)"),
            "hash to G1": (hash_to_g1, 3, "blspy G1Element.from_message"),
            "share verify": (lambda: pyblst.final_verify(ml(share, self.g2), ml(message, public)), 3,
                             "pyblst: 2 Miller loops + final_verify"),
            "batch verify 100 notes": (batch_verify, 400 + 3,
                                       "upper bound: 200 separate 64-bit scalar_mul (no MSM in pyblst) "
                                       "+ 2 Miller loops + final_verify"),
        }


class Arkworks:
    """arkworks (ark-bls12-381) through py-arkworks-bls12381."""
    name = "arkworks"

    def rows(self, scale):
        g1, g2 = ark.G1Point(), ark.G2Point()
        s = lambda k: ark.Scalar(k)
        p = g1 * s(rand_scalar())
        q = g2 * s(rand_scalar())
        g1s = [g1 * s(rand_scalar()) for _ in range(8)]
        g2s = [g2 * s(rand_scalar()) for _ in range(8)]
        k = s(rand_scalar())
        counter = [0]

        def hash_to_g1():
            counter[0] += 1
            return ark.G1Point.hash_to_curve(MINT_DST, counter[0].to_bytes(8, "little"))

        secret = s(rand_scalar())
        minus_one = s(R - 1)
        message = ark.G1Point.hash_to_curve(MINT_DST, b"share")
        share = message * secret
        public = g2 * secret
        minus_share = share * minus_one
        assert ark.GT.pairing_check([minus_share, message], [g2, public])

        messages = [ark.G1Point.hash_to_curve(MINT_DST, i.to_bytes(8, "little")) for i in range(100)]
        signatures = [m * secret for m in messages]
        coefficients = [s(int.from_bytes(os.urandom(8), "big") | 1) for _ in messages]

        def batch_verify():
            sig_sum = ark.G1Point.multiexp_unchecked(signatures, coefficients)
            msg_sum = ark.G1Point.multiexp_unchecked(messages, coefficients)
            return ark.GT.pairing_check([sig_sum * minus_one, msg_sum], [g2, public])

        assert batch_verify()
        return {
            "pairing": (lambda: ark.GT.pairing(p, q), 1, "GT.pairing"),
            "multi-pairing of 8": (lambda: ark.GT.multi_pairing(g1s, g2s), 1, "GT.multi_pairing"),
            "G1 scalar mult (const time)": (lambda: p * k, 1, "G1Point * Scalar: variable time (GLV)"),
            "G2 scalar mult (const time)": (lambda: q * k, 1, "G2Point * Scalar: variable time"),
            "hash to G1": (hash_to_g1, 3, "G1Point.hash_to_curve"),
            "share verify": (lambda: ark.GT.pairing_check([minus_share, message], [g2, public]), 1,
                             "GT.pairing_check of 2"),
            "batch verify 100 notes": (batch_verify, 4, "2 × multiexp_unchecked (Pippenger) + pairing_check of 2"),
        }


def run_fm(fm_bench, scale, compared_only=True):
    command = [fm_bench, "bls", "--json", "--scale", str(scale)] + (["--compared-only"] if compared_only else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    return {row["result"]["name"]: row["result"]["medianNanoseconds"] for row in report["rows"]}


def measure_reference(impl, scale, overhead):
    times = {}
    for name, iterations in ROWS:
        body, calls, _ = impl.rows_cache[name]
        n = max(1, round(iterations * scale))
        frame, per_call = overhead
        times[name] = max(0.0, timed_median(body, n) - frame - calls * per_call)
    return times


def fmt_time(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.1f} µs"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fm-bench", required=True, help="path of the release fm-bench binary")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--fm-bench-before", help="an older fm-bench (e.g. main's) timed in the same repetitions, "
                        "to show what a change gained; it runs its whole suite and only the compared rows are kept")
    args = parser.parse_args()

    impls = [Blst(), Arkworks()]
    for impl in impls:
        impl.rows_cache = impl.rows(args.scale)
    runs = []
    for rep in range(args.repetitions):
        overhead = call_overhead()
        run = {"fm": run_fm(args.fm_bench, args.scale), "python_call_overhead_ns": overhead}
        if args.fm_bench_before:
            run["fm_before"] = run_fm(args.fm_bench_before, args.scale, compared_only=False)
        for impl in impls:
            run[impl.name] = measure_reference(impl, args.scale, overhead)
        runs.append(run)
        print(f"repetition {rep + 1}/{args.repetitions} done", file=sys.stderr)

    rows = []
    for name, _ in ROWS:
        row = {"operation": name, "fm_ns": statistics.median(r["fm"][name] for r in runs)}
        if args.fm_bench_before:
            row["fm_before_ns"] = statistics.median(r["fm_before"][name] for r in runs)
            row["fm_over_fm_before"] = statistics.median(r["fm"][name] / r["fm_before"][name] for r in runs)
        for impl in impls:
            ratios = [r["fm"][name] / r[impl.name][name] for r in runs if r[impl.name][name] > 0]
            row[f"{impl.name}_ns"] = statistics.median(r[impl.name][name] for r in runs)
            row[f"fm_over_{impl.name}"] = statistics.median(ratios) if ratios else None
            row[f"{impl.name}_note"] = impl.rows_cache[name][2]
        rows.append(row)
    result = {
        "clock": "thread CPU time",
        "statistic": "per repetition the median over iterations; then the median over repetitions",
        "repetitions": args.repetitions,
        "scale": args.scale,
        "python_overhead_ns": {
            "timed_frame": statistics.median(r["python_call_overhead_ns"][0] for r in runs),
            "per_call": statistics.median(r["python_call_overhead_ns"][1] for r in runs),
        },
        "load_average": os.getloadavg(),
        "machine": platform.platform(),
        "versions": {"blspy": "2.0.3", "pyblst": "0.3.15", "py-arkworks-bls12381": "0.5.0"},
        "rows": rows,
        "runs": runs,
    }
    print(json.dumps(result, indent=2))

    before = ["fm before", "fm / before"] if args.fm_bench_before else []
    header = ["operation", "fm"] + before + ["blst", "fm / blst", "arkworks", "fm / arkworks"]
    lines = [header]
    for row in rows:
        ratio = lambda key: "—" if row[key] is None else f"{row[key]:.2f}×"
        cells = [fmt_time(row["fm_before_ns"]), ratio("fm_over_fm_before")] if args.fm_bench_before else []
        lines.append([row["operation"], fmt_time(row["fm_ns"])] + cells + [fmt_time(row["blst_ns"]),
                      ratio("fm_over_blst"), fmt_time(row["arkworks_ns"]), ratio("fm_over_arkworks")])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = sys.stderr
    print(f"BLS12-381 side by side, thread CPU time, medians of {args.repetitions} repetitions "
          f"(load average {result['load_average'][0]:.1f})", file=out)
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        print("  ".join(cells), file=out)
        if i == 0:
            print("-" * (sum(widths) + 2 * (len(widths) - 1)), file=out)
    print("notes:", file=out)
    for row in rows:
        print(f"  {row['operation']}: blst {row['blst_note']}; arkworks {row['arkworks_note']}", file=out)


if __name__ == "__main__":
    main()
