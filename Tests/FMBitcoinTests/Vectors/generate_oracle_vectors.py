#!/usr/bin/env python3
"""Reference vectors for FMBitcoin from independent implementations.

embit 0.8.0 (addresses, descriptors with checksums, taproot output keys, BIP-143 sighashes,
PSBT serialization, signatures) and python-bitcoinlib 0.12.2 (merkle roots, genesis block).
Run:  .venv/bin/pip install embit==0.8.0 python-bitcoinlib==0.12.2
      .venv/bin/python Tests/FMBitcoinTests/Vectors/generate_oracle_vectors.py > Tests/FMBitcoinTests/Vectors/oracle_vectors.json
Keys are derived deterministically, so the output is reproducible.
"""
import hashlib
import json

import bitcoin.core as bcore
from embit import ec, script
from embit.descriptor import Descriptor
from embit.descriptor.checksum import add_checksum
from embit.networks import NETWORKS
from embit.psbt import PSBT
from embit.transaction import Transaction, TransactionInput, TransactionOutput


def key(i):
    return ec.PrivateKey(hashlib.sha256(b"fm-oracle-key-%d" % i).digest())


nets = {"mainnet": NETWORKS["main"], "testnet": NETWORKS["test"], "regtest": NETWORKS["regtest"]}
keys = [key(i) for i in range(4)]
out = {"keys": [k.secret.hex() for k in keys]}

out["p2wpkh"] = [
    {"public_key": k.get_public_key().sec().hex(),
     "script": script.p2wpkh(k.get_public_key()).data.hex(),
     **{n: script.p2wpkh(k.get_public_key()).address(net) for n, net in nets.items()}}
    for k in keys
]
out["p2tr"] = [
    {"internal_key": k.get_public_key().xonly().hex(),
     "script": script.p2tr(k.get_public_key()).data.hex(),
     **{n: script.p2tr(k.get_public_key()).address(net) for n, net in nets.items()}}
    for k in keys
]

pubs = [k.get_public_key().sec().hex() for k in keys[:3]]
desc_body = "wsh(sortedmulti(2,%s))" % ",".join(pubs)
desc = Descriptor.from_string(desc_body)
ws = desc.witness_script()
out["sortedmulti"] = {
    "descriptor": desc_body,
    "with_checksum": add_checksum(desc_body),
    "witness_script": ws.data.hex(),
    "script_pubkey": desc.script_pubkey().data.hex(),
    **{n: desc.address(net) for n, net in nets.items()},
}
desc_multi = Descriptor.from_string("wsh(multi(2,%s))" % ",".join(pubs))
out["multi"] = {"descriptor": "wsh(multi(2,%s))" % ",".join(pubs), "with_checksum": add_checksum("wsh(multi(2,%s))" % ",".join(pubs)),
                "witness_script": desc_multi.witness_script().data.hex()}

# A 2-of-3 peg-out-like spend: two P2WSH multisig UTXOs to a P2WPKH payee plus change.
spk = desc.script_pubkey()
prev = [hashlib.sha256(b"fm-oracle-prev-%d" % i).digest() for i in range(2)]
amounts = [150_000, 260_000]
tx = Transaction(
    version=2,
    vin=[TransactionInput(prev[0], 1, sequence=0xFFFFFFFD), TransactionInput(prev[1], 0, sequence=0xFFFFFFFD)],
    vout=[TransactionOutput(300_000, script.p2wpkh(keys[3].get_public_key())), TransactionOutput(109_000, spk)],
    locktime=0,
)
unsigned_hex = tx.serialize().hex()
psbt = PSBT(tx)
for i, inp in enumerate(psbt.inputs):
    inp.witness_utxo = TransactionOutput(amounts[i], spk)
    inp.witness_script = ws
unsigned_psbt = psbt.to_base64()
sighashes, sigs = [], []
for i in range(2):
    h = tx.sighash_segwit(i, ws, amounts[i])
    sighashes.append(h.hex())
    row = {}
    for k in (keys[0], keys[2]):
        sig = k.sign(h, grind=False).serialize() + b"\x01"
        row[k.get_public_key().sec().hex()] = sig.hex()
        psbt.inputs[i].partial_sigs[k.get_public_key()] = sig
    sigs.append(row)
signed_psbt = psbt.to_base64()
# Final witness: empty, signatures in script key order, witness script.
order = sorted([keys[0].get_public_key().sec(), keys[2].get_public_key().sec()])
for i in range(2):
    tx.vin[i].witness = script.Witness([b""] + [bytes.fromhex(sigs[i][p.hex()]) for p in order] + [ws.data])
out["multisig_spend"] = {
    "amounts": amounts,
    "unsigned_tx": unsigned_hex,
    "sighashes": sighashes,
    "signatures": sigs,
    "unsigned_psbt": unsigned_psbt,
    "signed_psbt": signed_psbt,
    "signed_tx": tx.serialize().hex(),
    "txid": tx.txid().hex(),
    "vsize": tx.vsize() if hasattr(tx, "vsize") else None,
}

# Merkle roots of n pseudo-random txids (python-bitcoinlib), n = 1..9.
roots = []
for n in range(1, 10):
    txids = [hashlib.sha256(b"fm-oracle-txid-%d-%d" % (n, i)).digest() for i in range(n)]
    root = bcore.CBlock.build_merkle_tree_from_txids(txids)[-1]
    roots.append({"txids": [t.hex() for t in txids], "root": root.hex()})
out["merkle_roots"] = roots

genesis = bcore.CoreMainParams.GENESIS_BLOCK
out["genesis_block"] = {"hex": genesis.serialize().hex(), "hash": bcore.b2lx(genesis.GetHash()),
                        "merkle_root": bcore.b2lx(genesis.hashMerkleRoot)}
regtest_genesis = bcore.CoreRegTestParams.GENESIS_BLOCK
# Descriptor checksums of assorted descriptors (BIP-380 examples and others).
out["checksums"] = [add_checksum(d) for d in [
    "raw(deadbeef)",
    "addr(mkmZxiEcEd8ZqjQWVZuC6so5dFMKEFpN2j)",
    "pkh([d34db33f/44'/0'/0']xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/1/*)",
    desc_body,
]]
out["regtest_genesis_block"] = {"hex": regtest_genesis.serialize().hex(), "hash": bcore.b2lx(regtest_genesis.GetHash())}

print(json.dumps(out, indent=2))
