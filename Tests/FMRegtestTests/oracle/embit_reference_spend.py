#!/usr/bin/env python3
"""Builds and signs, with embit (an independent bitcoin library), a P2WPKH spend that
fm-regtest must accept: one input, one output, BIP-143 signature, SIGHASH_ALL.

Arguments: secret key hex, prevout txid (display hex), vout, prevout amount (sat),
destination address (bcrt1...), amount to send (sat). Prints the signed transaction hex.

Install: pip install embit==0.8.0
"""
import sys

from embit import ec, script
from embit.networks import NETWORKS
from embit.transaction import SIGHASH, Transaction, TransactionInput, TransactionOutput


def main() -> None:
    secret_hex, txid, vout, amount, address, send = sys.argv[1:7]
    key = ec.PrivateKey(bytes.fromhex(secret_hex))
    spent_script = script.p2wpkh(key.get_public_key())
    tx = Transaction(
        version=2,
        vin=[TransactionInput(bytes.fromhex(txid), int(vout), sequence=0xFFFFFFFD)],
        vout=[TransactionOutput(int(send), script.address_to_scriptpubkey(address))],
        locktime=0,
    )
    # BIP-143: the script code of a P2WPKH input is the P2PKH script of its key hash.
    sighash = tx.sighash_segwit(0, script.p2pkh(key.get_public_key()), int(amount), SIGHASH.ALL)
    signature = key.sign(sighash).serialize() + bytes([SIGHASH.ALL])
    tx.vin[0].witness = script.Witness([signature, key.get_public_key().sec()])
    assert spent_script.data[:2] == b"\x00\x14"
    print(tx.serialize().hex())


if __name__ == "__main__":
    _ = NETWORKS["regtest"]
    main()
