#!/usr/bin/env python3
"""Swap benchmark against a running Nutshell (cashu) mint, for bin/bench-vs-cashu (issue 17).

One swap = 7 proofs in (1+2+4+...+64 sat) and 7 blinded messages out (the same amounts), through the cashu
wallet library as a wallet does it: new secrets and blinding factors, POST /v1/swap, unblind and check the
signatures (DLEQ), store the new proofs, mark the old ones spent. Each wallet re-swaps its own 7 proofs, so the
shape stays 7-in/7-out.

  cashu_swap.py MINT_URL WORKDIR OUT --sequential N --tasks 4,8 --per-task K

Writes one JSON object to OUT (the cashu library prints to stdout itself): sequential latencies (p50, p99, mean, ms), and per task count: swaps, seconds,
swaps/s and blind signatures/s.
"""
import argparse
import asyncio
import json
import os
import statistics
import sys
import time

from cashu.wallet.wallet import Wallet

AMOUNTS = [1, 2, 4, 8, 16, 32, 64]  # 127 sat: 7 proofs in, 7 out


async def funded_wallet(url, workdir, name):
    wallet = await Wallet.with_db(url=url, db=os.path.join(workdir, name), name=name)
    await wallet.load_mint()
    quote = await wallet.request_mint(sum(AMOUNTS))
    for _ in range(100):  # FakeWallet settles the invoice after its configured delay
        try:
            proofs = await wallet.mint(sum(AMOUNTS), quote_id=quote.quote, split=AMOUNTS)
            return wallet, proofs
        except Exception as error:  # not paid yet
            last = error
            await asyncio.sleep(0.1)
    raise SystemExit(f"minting for {name} failed: {last}")


async def swap(wallet, proofs):
    """One 7-in/7-out swap; returns the new proofs."""
    assert sorted(p.amount for p in proofs) == AMOUNTS, [p.amount for p in proofs]
    secrets, rs, paths = await wallet.generate_n_secrets(len(AMOUNTS))
    outputs, rs = wallet._construct_outputs(AMOUNTS, secrets, rs, wallet.keyset_id)
    promises = await super(Wallet, wallet).split(proofs, outputs)
    new = await wallet._construct_proofs(promises, secrets, rs, paths)
    await wallet.invalidate(proofs)
    return new


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("workdir")
    parser.add_argument("out")
    parser.add_argument("--sequential", type=int, default=50)
    parser.add_argument("--tasks", default="4,8")
    parser.add_argument("--per-task", type=int, default=10)
    args = parser.parse_args(argv)
    result = {"shape": "7 proofs in, 7 blinded messages out", "amounts_sat": AMOUNTS}

    wallet, proofs = await funded_wallet(args.url, args.workdir, "sequential")
    for _ in range(3):  # warm-up: connections, keysets
        proofs = await swap(wallet, proofs)
    times = []
    for _ in range(args.sequential):
        start = time.perf_counter()
        proofs = await swap(wallet, proofs)
        times.append((time.perf_counter() - start) * 1000)
    result["sequential"] = {"swaps": len(times), "p50_ms": statistics.median(times),
                            "p99_ms": percentile(times, 0.99), "mean_ms": statistics.fmean(times)}

    result["concurrent"] = []
    for tasks in [int(t) for t in args.tasks.split(",")]:
        pool = [await funded_wallet(args.url, args.workdir, f"t{tasks}-{i}") for i in range(tasks)]

        async def run(member):
            member_wallet, member_proofs = member
            latencies = []
            for _ in range(args.per_task):
                start = time.perf_counter()
                member_proofs = await swap(member_wallet, member_proofs)
                latencies.append((time.perf_counter() - start) * 1000)
            return latencies

        start = time.perf_counter()
        latencies = sum(await asyncio.gather(*(run(member) for member in pool)), [])
        seconds = time.perf_counter() - start
        result["concurrent"].append({
            "tasks": tasks, "swaps": len(latencies), "seconds": seconds, "swaps_per_s": len(latencies) / seconds,
            "blind_signatures_per_s": len(latencies) * len(AMOUNTS) / seconds,
            "p50_ms": statistics.median(latencies)})
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
