#!/usr/bin/env python3
"""Bitcoin Core's own script interpreter (libbitcoinkernel via py-bitcoinkernel 0.1.0a5) judging
variants of the embit-signed 2-of-3 P2WSH spend in oracle_vectors.json.

Run after generate_oracle_vectors.py:
  .venv/bin/pip install py-bitcoinkernel==0.1.0a5
  .venv/bin/python Tests/FMBitcoinTests/Vectors/generate_kernel_vectors.py > Tests/FMBitcoinTests/Vectors/kernel_vectors.json
Flags are consensus flags only (ALL), so policy-only failures (high S, NULLFAIL, ...) are accepted here.
"""
import json
import os

import pbk
from embit.transaction import Transaction

here = os.path.dirname(os.path.abspath(__file__))
oracle = json.load(open(os.path.join(here, "oracle_vectors.json")))
spend = oracle["multisig_spend"]
spk = bytes.fromhex(oracle["sortedmulti"]["script_pubkey"])
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def high_s(sig):
    # DER with sighash byte -> same r, s' = n - s (re-encoded minimally).
    der, ht = sig[:-1], sig[-1:]
    rlen = der[3]
    r = der[4:4 + rlen]
    s = int.from_bytes(der[6 + rlen:], "big")
    s2 = (N - s).to_bytes(32, "big").lstrip(b"\0")
    if s2[0] & 0x80:
        s2 = b"\0" + s2
    body = b"\x02" + bytes([len(r)]) + r + b"\x02" + bytes([len(s2)]) + s2
    return b"\x30" + bytes([len(body)]) + body + ht


def variants():
    def tx():
        return Transaction.from_string(spend["signed_tx"])

    yield "valid", tx()
    t = tx(); w = t.vin[0].witness.items; w[1], w[2] = w[2], w[1]; yield "signatures swapped", t
    t = tx(); t.vout[0].value -= 1; yield "output changed", t
    t = tx(); t.vin[0].witness.items[0] = b"\x00"; yield "non-null dummy", t
    t = tx(); t.vin[0].witness.items.insert(0, b""); yield "extra stack item", t
    t = tx(); del t.vin[0].witness.items[1]; yield "missing signature", t
    t = tx(); t.vin[0].witness.items[3] = t.vin[0].witness.items[3] + b"\x51"; yield "wrong witness script", t
    t = tx(); w = t.vin[0].witness.items; w[1] = w[1][:-1] + b"\x04"; yield "undefined sighash type", t
    t = tx(); w = t.vin[0].witness.items; w[1] = high_s(w[1]); yield "high S", t
    t = tx(); w = t.vin[0].witness.items; w[1] = b""; w[2] = b""; yield "empty signatures", t
    t = tx(); w = t.vin[0].witness.items; w[1] = w[1][:4] + b"\x00" + w[1][4:]; yield "non-DER signature", t


out = []
for name, t in variants():
    raw = t.serialize()
    ktx = pbk.Transaction(raw)
    outputs = [pbk.TransactionOutput(pbk.ScriptPubkey(spk), a) for a in spend["amounts"]]
    pre = pbk.script.PrecomputedTransactionData(ktx, outputs)
    try:
        ok = pbk.ScriptPubkey(spk).verify(spend["amounts"][0], ktx, pre, 0, pbk.ScriptVerificationFlags.ALL)
    except pbk.ScriptVerifyException:
        ok = False
    out.append({"case": name, "tx": raw.hex(), "input": 0, "core_consensus_valid": bool(ok)})
print(json.dumps({"amounts": spend["amounts"], "script_pubkey": spk.hex(), "cases": out}, indent=2))
