#!/usr/bin/env python3
"""Replays fm-regtest blocks into Bitcoin Core's own consensus code (libbitcoinkernel, via
py-bitcoinkernel, module `pbk`) on a fresh regtest chainstate.

Input (JSON file given as the only argument):
  {"valid": ["<block hex, height 1>", "<height 2>", ...],
   "invalid": [{"name": "...", "hex": "<block on top of the last valid block>"}, ...],
   "control": "<block built like the invalid ones, on the same tip, with a valid transaction>"}

Every valid block must be accepted and extend the tip by one. Every invalid block must not
become the tip: libbitcoinkernel may store a block whose header and structure are fine and only
find the bad transaction when connecting it (ConnectBlock), so "refused" means the tip, which
the block would extend with more work if it were valid, stays where it was. The control block,
assembled the same way, must then be accepted: so the invalid ones failed for their transaction. Prints a JSON report; exit 0 only if
all expectations hold.

Install: pip install py-bitcoinkernel==0.1.0a5
"""
import json
import sys
import tempfile

import pbk


def main() -> int:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    failures = []
    with tempfile.TemporaryDirectory() as datadir:
        chainman = pbk.load_chainman(datadir, pbk.ChainType.REGTEST)
        for height, raw in enumerate(spec["valid"], start=1):
            block = pbk.Block(bytes.fromhex(raw))
            try:
                accepted = chainman.process_block(block)
            except pbk.ProcessBlockException as error:
                failures.append(f"block {height} refused: {error}")
                break
            if not accepted or chainman.best_entry.height != height:
                failures.append(f"block {height} not connected (accepted={accepted}, tip={chainman.best_entry.height})")
                break
        tip = chainman.best_entry.height
        tip_hash = str(chainman.best_entry.block_hash)
        refused = []
        for candidate in spec.get("invalid", []):
            block = pbk.Block(bytes.fromhex(candidate["hex"]))
            try:
                chainman.process_block(block)
            except pbk.ProcessBlockException:
                pass
            if chainman.best_entry.height != tip or str(chainman.best_entry.block_hash) != tip_hash:
                failures.append(f"invalid block '{candidate['name']}' was accepted by libbitcoinkernel")
            else:
                refused.append(candidate["name"])
        control_accepted = None
        if "control" in spec:
            try:
                chainman.process_block(pbk.Block(bytes.fromhex(spec["control"])))
            except pbk.ProcessBlockException as error:
                failures.append(f"control block refused: {error}")
            control_accepted = chainman.best_entry.height == tip + 1
            if not control_accepted:
                failures.append("control block did not become the tip")
        print(json.dumps({
            "tip_height": tip, "tip_hash": tip_hash, "refused": refused, "control_accepted": control_accepted,
            "failures": failures,
        }))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
