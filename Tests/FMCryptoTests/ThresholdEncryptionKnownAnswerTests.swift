import FMBLS12381
import FMTesting
import Foundation
import Testing

@testable import FMCrypto

/// Known answers written by the independent py_ecc implementation (Tests/FMCryptoTests/oracle/threshold_encryption.py
/// --kat): a fixed 2-of-3 key and fixed r, with every intermediate value.
@Suite struct ThresholdEncryptionKnownAnswerTests {
    let file: JSONObject
    let secretShares: [DecryptionKeyShare]
    let publicShares: [Int: DecryptionPublicKeyShare]
    let key: EncryptionPublicKey

    init() throws {
        file = try object(Fixtures.json("threshold_encryption_kat.json"))
        secretShares = try array(file["secret_shares"]).map {
            try DecryptionKeyShare(canonicalBytes: bytes(hex: string($0)))
        }
        let publicList = try array(file["public_key_shares"]).map {
            try DecryptionPublicKeyShare(canonicalBytes: bytes(hex: string($0)))
        }
        publicShares = Dictionary(uniqueKeysWithValues: publicList.enumerated().map { ($0, $1) })
        key = try EncryptionPublicKey(canonicalBytes: bytes(hex: string(file["public_key"])))
    }

    @Test func keysMatch() throws {
        #expect(secretShares.count == 3)
        for (peer, secret) in secretShares.enumerated() { #expect(secret.publicShare == publicShares[peer]) }
        let interpolated = try AggregatePublicKey(
            interpolating: [0, 2].map { (peer: $0, share: PublicKeyShare(publicShares[$0]!.point)) })
        #expect(EncryptionPublicKey(interpolated) == key)
    }

    @Test func ciphertextsSharesAndPreimagesMatch() throws {
        let vectors = try array(file["vectors"])
        #expect(vectors.count == 3)
        for case let vector as JSONObject in vectors {
            let preimage = bytes(hex: try string(vector["preimage"]))
            let aad = bytes(hex: try string(vector["aad"]))
            let r = SecretScalar(try scalar(string(vector["r"])))
            let ciphertext = ThresholdEncryption.encrypt(preimage, to: key, associatedData: aad, ephemeralSecret: r)
            #expect(hex(ciphertext.associatedDataDigest) == (try string(vector["aad_digest"])))
            #expect(hex(ciphertext.hashPoint.compressed) == (try string(vector["hash_point"])))
            #expect(hex(ThresholdCiphertext.pad(sharedPoint: key.point * r.revealed)) == (try string(vector["pad"])))
            #expect(hex(ciphertext.canonicalBytes) == (try string(vector["ciphertext"])))
            #expect(ciphertext.isValid(associatedData: aad))

            let expectedShares = try array(vector["decryption_shares"]).map {
                try DecryptionShare(canonicalBytes: bytes(hex: string($0)))
            }
            var shares: [(peer: Int, share: DecryptionShare)] = []
            for (peer, secret) in secretShares.enumerated() {
                let share = try #require(
                    ThresholdEncryption.decryptionShare(for: ciphertext, associatedData: aad, with: secret))
                #expect(share == expectedShares[peer])
                #expect(ThresholdEncryption.verify(share, for: ciphertext, from: publicShares[peer]!))
                shares.append((peer, share))
            }
            for pair in [[0, 1], [1, 2], [2, 0]] {
                let chosen = pair.map { shares[$0] }
                #expect(
                    try ThresholdEncryption.combine(chosen, for: ciphertext, publicShares: publicShares) == preimage)
            }
        }
    }
}

/// The same scheme implemented independently on py_ecc: it recomputes what Swift encrypts from the same r,
/// decrypts Swift's ciphertexts, and encrypts with its own randomness for Swift to decrypt.
/// Skipped when py_ecc is missing, unless FM_REQUIRE_ORACLES=1.
@Suite(.enabled(if: PythonOracle.enabled("py_ecc")))
struct ThresholdEncryptionOracleTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("oracle/threshold_encryption.py")

    @Test func independentImplementationAgrees() throws {
        var rng = SeededRandom(seed: 31)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 3, peers: 4, using: &rng)
        let key = EncryptionPublicKey(keys.aggregatePublicKey)
        let publicShares = Dictionary(
            uniqueKeysWithValues: keys.publicKeyShares.enumerated().map {
                ($0, DecryptionPublicKeyShare($1))
            })
        let cases: [(preimage: [UInt8], aad: [UInt8], r: SecretScalar)] = (0..<2).map { index in
            (rng.bytes(32), Array("contract \(index)".utf8) + rng.bytes(index * 40), SecretScalar.random(using: &rng))
        }
        let ours = cases.map {
            ThresholdEncryption.encrypt($0.preimage, to: key, associatedData: $0.aad, ephemeralSecret: $0.r)
        }
        let theirPreimages = (0..<2).map { _ in rng.bytes(32) }
        let theirAAD = Array("python's contract".utf8)
        var tampered = ours[0].canonicalBytes
        tampered[100] ^= 0x80

        let request: [String: Any] = [
            "keys": ["secret_shares": keys.secretKeyShares.map { hex($0.canonicalBytes) }, "threshold": 3],
            "recompute": cases.map {
                ["preimage": hex($0.preimage), "aad": hex($0.aad), "r": hex($0.r.canonicalBytes)]
            },
            "decrypt": zip(ours, cases).enumerated().map { index, pair in
                [
                    "ciphertext": hex(pair.0.canonicalBytes), "aad": hex(pair.1.aad),
                    "peers": index == 0 ? [0, 1, 3] : [3, 2, 1],
                ]
            },
            "encrypt": theirPreimages.map { ["preimage": hex($0), "aad": hex(theirAAD)] },
            "validity": [
                ["ciphertext": hex(tampered), "aad": hex(cases[0].aad)],
                ["ciphertext": hex(ours[1].canonicalBytes), "aad": hex(cases[0].aad)],
            ],
        ]
        let input = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let answer = try object(
            JSONSerialization.jsonObject(with: Data(PythonOracle.run(script: Self.script, stdin: input).utf8)))

        #expect(try string(answer["public_key"]) == hex(key.canonicalBytes))
        #expect(try array(answer["recompute"]).map { try string($0) } == ours.map { hex($0.canonicalBytes) })
        for (index, item) in try array(answer["decrypt"]).enumerated() {
            let decrypted = try object(item)
            #expect(decrypted["valid"] as? Bool == true)
            #expect(try string(decrypted["preimage"]) == hex(cases[index].preimage))
            for (peer, shareHex) in try object(decrypted["shares"]) {
                let secret = DecryptionKeyShare(keys.secretKeyShares[try #require(Int(peer))])
                let share = try #require(
                    ThresholdEncryption.decryptionShare(
                        for: ours[index], associatedData: cases[index].aad, with: secret))
                #expect(try string(shareHex) == hex(share.canonicalBytes))
            }
        }
        for (index, item) in try array(answer["encrypt"]).enumerated() {
            let ciphertext = try ThresholdCiphertext(canonicalBytes: bytes(hex: string(item)))
            #expect(ciphertext.isValid(associatedData: theirAAD))
            let shares = [2, 0, 1].map { peer in
                (
                    peer: peer,
                    share: ThresholdEncryption.decryptionShare(
                        for: ciphertext, associatedData: theirAAD, with: DecryptionKeyShare(keys.secretKeyShares[peer]))!
                )
            }
            #expect(
                try ThresholdEncryption.combine(shares, for: ciphertext, publicShares: publicShares)
                    == theirPreimages[index])
        }
        #expect(answer["validity"] as? [Bool] == [false, false])
    }
}
