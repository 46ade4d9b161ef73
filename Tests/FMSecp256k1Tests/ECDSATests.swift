import Crypto
import FMSecp256k1
import FMTesting
import Foundation
import Testing

struct ECDSATests {
    @Test func signVerifyRoundTrip() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<20 {
            let key = SecretKey(using: &rng)
            let hash = rng.bytes(32)
            let signature = try key.signECDSA(messageHash: hash)
            #expect(signature.isLowS)
            #expect(key.publicKey.isValidECDSASignature(signature, for: hash))
            var other = hash
            other[0] ^= 1
            #expect(!key.publicKey.isValidECDSASignature(signature, for: other))
            #expect(!SecretKey(using: &rng).publicKey.isValidECDSASignature(signature, for: hash))
            // RFC 6979: deterministic.
            #expect(try key.signECDSA(messageHash: hash) == signature)
        }
    }

    @Test func derAndCompactConversions() throws {
        var rng = SeededRandom(seed: 6)
        for _ in 0..<20 {
            let signature = try SecretKey(using: &rng).signECDSA(messageHash: rng.bytes(32))
            let der = signature.derRepresentation
            #expect(der[0] == 0x30 && Int(der[1]) == der.count - 2 && der.count <= 72)
            #expect(try ECDSASignature(derRepresentation: der) == signature)
            #expect(try ECDSASignature(compactRepresentation: signature.compactRepresentation) == signature)
        }
        #expect(throws: Secp256k1Error.invalidDERSignature) { try ECDSASignature(derRepresentation: [0x30, 0x00, 0x01]) }
        #expect(throws: Secp256k1Error.invalidCompactSignature) {
            try ECDSASignature(compactRepresentation: [UInt8](repeating: 0xff, count: 64))
        }
        #expect(throws: Secp256k1Error.invalidLength(field: "compact ECDSA signature", expected: [64], actual: 65)) {
            try ECDSASignature(compactRepresentation: [UInt8](repeating: 0, count: 65))
        }
    }

    @Test func knownDEREncoding() throws {
        // r = 1, s = 2: minimal DER integers.
        let compact = [UInt8](repeating: 0, count: 31) + [1] + [UInt8](repeating: 0, count: 31) + [2]
        let signature = try ECDSASignature(compactRepresentation: compact)
        #expect(hex(signature.derRepresentation) == "3006020101020102")
        // r with the high bit set gets a 0x00 pad.
        let high = [0x80] + [UInt8](repeating: 0, count: 31) + [UInt8](repeating: 0, count: 31) + [1]
        #expect(hex(try ECDSASignature(compactRepresentation: high).derRepresentation).hasPrefix("3026022100800000"))
    }

    @Test func normalizationFlipsHighS() throws {
        let key = SecretKey()
        let hash = [UInt8](repeating: 9, count: 32)
        let low = try key.signECDSA(messageHash: hash)
        // s' = n - s is the high-S twin of the same signature.
        let n = bytes(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let s = Array(low.compactRepresentation[32...])
        var highS = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let d = Int(n[i]) - Int(s[i]) - borrow
            highS[i] = UInt8((d + 256) % 256)
            borrow = d < 0 ? 1 : 0
        }
        let high = try ECDSASignature(compactRepresentation: Array(low.compactRepresentation[..<32]) + highS)
        #expect(!high.isLowS)
        #expect(!key.publicKey.isValidECDSASignature(high, for: hash))  // strict low-S verification
        #expect(high.normalized() == low)
        #expect(key.publicKey.isValidECDSASignature(high.normalized(), for: hash))
    }

    /// The signature/public key/sighash triples printed in BIP-143 verify.
    @Test func bip143SignaturesVerify() throws {
        let root = try #require(try Fixtures.json("bip143_vectors.json") as? [String: Any])
        let examples = try #require(root["examples"] as? [[String: Any]])
        var checked = 0
        for example in examples {
            for record in try #require(example["sighashes"] as? [[String: Any]]) {
                guard let sigHex = record["signature"] as? String, let pubHex = record["public_key"] as? String else { continue }
                let hash = bytes(hex: try #require(record["sighash"] as? String))
                let withHashType = bytes(hex: sigHex)
                #expect(UInt8(try #require(record["nHashType"] as? Int)) == withHashType.last)
                let signature = try ECDSASignature(derRepresentation: withHashType.dropLast())
                let publicKey = try PublicKey(serialized: bytes(hex: pubHex))
                #expect(publicKey.isValidECDSASignature(signature.normalized(), for: hash))
                var wrong = hash
                wrong[31] ^= 0x80
                #expect(!publicKey.isValidECDSASignature(signature.normalized(), for: wrong))
                if let keyHex = record["private_key"] as? String {
                    let secretKey = try SecretKey(rawRepresentation: bytes(hex: keyHex))
                    #expect(secretKey.publicKey == publicKey)
                    let ours = try secretKey.signECDSA(messageHash: hash)
                    #expect(publicKey.isValidECDSASignature(ours, for: hash))
                }
                checked += 1
            }
        }
        #expect(checked == 13)
    }

    @Test func ecdhIsSymmetric() throws {
        var rng = SeededRandom(seed: 8)
        for _ in 0..<10 {
            let a = SecretKey(using: &rng), b = SecretKey(using: &rng)
            let ab = a.sharedSecret(with: b.publicKey)
            #expect(ab == b.sharedSecret(with: a.publicKey))
            #expect(ab.count == 32)
            #expect(ab != a.sharedSecret(with: SecretKey(using: &rng).publicKey))
        }
    }

    @Test func ecdhIsSHA256OfCompressedPoint() throws {
        // With a = 1 the shared point is B itself.
        let one = try SecretKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1])
        let b = SecretKey()
        let expected = Array(SHA256.hash(data: b.publicKey.compressed))
        #expect(one.sharedSecret(with: b.publicKey) == expected)
    }

    @Test func recoverableRoundTrip() throws {
        var rng = SeededRandom(seed: 9)
        for _ in 0..<20 {
            let key = SecretKey(using: &rng)
            let hash = rng.bytes(32)
            let signature = try key.signRecoverable(messageHash: hash)
            #expect((0...3).contains(signature.recoveryID))
            #expect(try signature.recoverPublicKey(messageHash: hash) == key.publicKey)
            let parsed = try RecoverableSignature(
                compactRepresentation: signature.compactRepresentation, recoveryID: signature.recoveryID)
            #expect(parsed == signature)
            #expect(key.publicKey.isValidECDSASignature(signature.signature, for: hash))
            #expect(signature.signature == (try key.signECDSA(messageHash: hash)))
            // A different message recovers a different key (or none).
            var other = hash
            other[0] ^= 1
            #expect((try? signature.recoverPublicKey(messageHash: other)) != key.publicKey)
        }
        #expect(throws: Secp256k1Error.invalidRecoveryID(4)) {
            try RecoverableSignature(compactRepresentation: [UInt8](repeating: 1, count: 64), recoveryID: 4)
        }
    }

    @Test func messageHashLengthIsChecked() {
        let key = SecretKey()
        #expect(throws: Secp256k1Error.invalidLength(field: "message hash", expected: [32], actual: 31)) {
            try key.signECDSA(messageHash: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test func errorsNameTheField() {
        #expect("\(Secp256k1Error.invalidSecretKey)".contains("secret key"))
        #expect("\(Secp256k1Error.invalidLength(field: "tweak", expected: [32], actual: 3))" == "tweak: expected 32 bytes, got 3")
    }
}

