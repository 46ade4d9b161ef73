#!/usr/bin/env python3
"""Independent implementation of fm's threshold encryption (docs/threshold-encryption.md) on py_ecc.

Reads a JSON request on stdin, writes a JSON answer on stdout:
  keys:      {"secret_shares": [hex sk_i for peer i = 0, 1, ...], "threshold": t}
  recompute: [{"preimage", "aad", "r"}]            -> the ciphertext for that r (known answer across implementations)
  decrypt:   [{"ciphertext", "aad", "peers": [i]}] -> {"valid", "shares": {i: hex}, "preimage"} using those peers
  encrypt:   [{"preimage", "aad"}]                 -> ciphertexts with a fresh r from os.urandom
  validity:  [{"ciphertext", "aad"}]               -> whether each is valid for its aad
`python3 threshold_encryption.py --kat` prints the known-answer file Tests/Vectors/threshold_encryption_kat.json.
"""
import hashlib
import json
import os
import sys

from py_ecc.bls.hash import expand_message_xmd
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import compress_G1, compress_G2, decompress_G1, decompress_G2
from py_ecc.optimized_bls12_381 import G2, FQ12, add, curve_order, final_exponentiate, is_inf, multiply, neg, pairing

HASH_DST = b"FM-LN-TPE-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
KDF_DST = b"FM-LN-TPE-V01-KDF-XMD:SHA-256"
AAD_DST = b"FM-LN-TPE-V01-AAD-XMD:SHA-256"


def g1_bytes(p):
    return compress_G1(p).to_bytes(48, "big")


def g2_bytes(p):
    z1, z2 = compress_G2(p)
    return z1.to_bytes(48, "big") + z2.to_bytes(48, "big")


def g1_from(b):
    return decompress_G1(int.from_bytes(b, "big"))


def g2_from(b):
    return decompress_G2((int.from_bytes(b[:48], "big"), int.from_bytes(b[48:], "big")))


def xmd(msg, dst):
    return expand_message_xmd(msg, dst, 32, hashlib.sha256)


def hash_point(u, v, a):
    return hash_to_G1(g2_bytes(u) + v + a, HASH_DST, hashlib.sha256)


def encrypt(pk, preimage, aad, r):
    u = multiply(G2, r)
    pad = xmd(g2_bytes(multiply(pk, r)), KDF_DST)
    v = bytes(x ^ y for x, y in zip(preimage, pad))
    a = xmd(aad, AAD_DST)
    w = multiply(hash_point(u, v, a), r)
    return g2_bytes(u) + v + g1_bytes(w) + a


def parse(ct):
    assert len(ct) == 208
    return g2_from(ct[:96]), ct[96:128], g1_from(ct[128:176]), ct[176:]


def valid(ct, aad):
    """e(H, U) = e(W, G2) and A = digest(aad), checked as e(H, U)·e(-W, G2) = 1 with one final exponentiation."""
    u, v, w, a = parse(ct)
    if a != xmd(aad, AAD_DST) or is_inf(u) or is_inf(w):
        return False
    h = hash_point(u, v, a)
    product = pairing(u, h, final_exponentiate=False) * pairing(G2, neg(w), final_exponentiate=False)
    return final_exponentiate(product) == FQ12.one()


def lagrange_at_zero(peers):
    xs = [p + 1 for p in peers]
    out = []
    for i, xi in enumerate(xs):
        num, den = 1, 1
        for j, xj in enumerate(xs):
            if j != i:
                num = num * xj % curve_order
                den = den * (xj - xi) % curve_order
        out.append(num * pow(den, -1, curve_order) % curve_order)
    return out


def public_key(secret_shares, threshold):
    peers = list(range(threshold))
    sk = sum(l * secret_shares[p] for l, p in zip(lagrange_at_zero(peers), peers)) % curve_order
    return multiply(G2, sk)


def decrypt(ct, secret_shares, peers):
    u, v, _, _ = parse(ct)
    shares = {p: multiply(u, secret_shares[p]) for p in peers}
    d = None
    for l, p in zip(lagrange_at_zero(peers), peers):
        term = multiply(shares[p], l)
        d = term if d is None else add(d, term)
    pad = xmd(g2_bytes(d), KDF_DST)
    return {str(p): g2_bytes(s).hex() for p, s in shares.items()}, bytes(x ^ y for x, y in zip(v, pad))


def answer(request):
    keys = request["keys"]
    secret_shares = [int(s, 16) for s in keys["secret_shares"]]
    pk = public_key(secret_shares, keys["threshold"])
    out = {"public_key": g2_bytes(pk).hex(), "recompute": [], "decrypt": [], "encrypt": [], "validity": []}
    for item in request.get("recompute", []):
        ct = encrypt(pk, bytes.fromhex(item["preimage"]), bytes.fromhex(item["aad"]), int(item["r"], 16))
        out["recompute"].append(ct.hex())
    for item in request.get("decrypt", []):
        ct = bytes.fromhex(item["ciphertext"])
        shares, preimage = decrypt(ct, secret_shares, item["peers"])
        out["decrypt"].append({"valid": valid(ct, bytes.fromhex(item["aad"])), "shares": shares,
                               "preimage": preimage.hex()})
    for item in request.get("encrypt", []):
        r = int.from_bytes(os.urandom(64), "big") % curve_order or 1
        out["encrypt"].append(encrypt(pk, bytes.fromhex(item["preimage"]), bytes.fromhex(item["aad"]), r).hex())
    for item in request.get("validity", []):
        try:
            out["validity"].append(valid(bytes.fromhex(item["ciphertext"]), bytes.fromhex(item["aad"])))
        except Exception:  # an encoding py_ecc rejects is not a valid ciphertext either
            out["validity"].append(False)
    return out


def known_answers():
    """Fixed 2-of-3 key, fixed r: every intermediate value, for a test that needs no Python."""
    coefficients = [int(hashlib.sha256(b"fm tpe kat coefficient %d" % i).hexdigest(), 16) % curve_order
                    for i in range(2)]
    secret_shares = [(coefficients[0] + coefficients[1] * (p + 1)) % curve_order for p in range(3)]
    pk = multiply(G2, coefficients[0])
    vectors = []
    for index, (preimage, aad) in enumerate([(bytes(32), b""), (bytes(range(32)), b"contract 1"),
                                             (b"\xff" * 32, bytes(range(256)) * 2)]):
        r = int(hashlib.sha256(b"fm tpe kat r %d" % index).hexdigest(), 16) % curve_order
        ct = encrypt(pk, preimage, aad, r)
        u, v, w, a = parse(ct)
        shares, decrypted = decrypt(ct, secret_shares, [0, 2])
        assert decrypted == preimage and valid(ct, aad) and not valid(ct, aad + b"x")
        vectors.append({"preimage": preimage.hex(), "aad": aad.hex(), "r": "%064x" % r,
                        "aad_digest": a.hex(), "hash_point": g1_bytes(hash_point(u, v, a)).hex(),
                        "pad": xmd(g2_bytes(multiply(pk, r)), KDF_DST).hex(), "ciphertext": ct.hex(),
                        "decryption_shares": [g2_bytes(multiply(u, s)).hex() for s in secret_shares]})
    return {"source": "Tests/FMCryptoTests/oracle/threshold_encryption.py --kat (py_ecc 8.0.0)",
            "threshold": 2, "secret_shares": ["%064x" % s for s in secret_shares],
            "public_key_shares": [g2_bytes(multiply(G2, s)).hex() for s in secret_shares],
            "public_key": g2_bytes(pk).hex(), "vectors": vectors}


if __name__ == "__main__":
    if sys.argv[1:] == ["--kat"]:
        print(json.dumps(known_answers(), indent=2))
    else:
        print(json.dumps(answer(json.load(sys.stdin))))
