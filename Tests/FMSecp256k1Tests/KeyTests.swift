import FMSecp256k1
import FMTesting
import Testing

struct KeyTests {
    /// n, the order of the secp256k1 group.
    static let order = bytes(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")

    @Test func secretKeyRangeIsChecked() throws {
        #expect(throws: Secp256k1Error.invalidSecretKey) { try SecretKey(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: Secp256k1Error.invalidSecretKey) { try SecretKey(rawRepresentation: Self.order) }
        #expect(throws: Secp256k1Error.invalidSecretKey) { try SecretKey(rawRepresentation: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: Secp256k1Error.invalidLength(field: "secret key", expected: [32], actual: 31)) {
            try SecretKey(rawRepresentation: [UInt8](repeating: 1, count: 31))
        }
        var nMinusOne = Self.order
        nMinusOne[31] -= 1
        let key = try SecretKey(rawRepresentation: nMinusOne)
        // (n-1)·G = -G
        let one = try SecretKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1])
        #expect(key.publicKey == one.publicKey.negated())
    }

    @Test func generatorPointEncodings() throws {
        let one = try SecretKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [1])
        let gx = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        let gy = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
        #expect(hex(one.publicKey.compressed) == "02" + gx)
        #expect(hex(one.publicKey.uncompressed) == "04" + gx + gy)
        #expect(try PublicKey(serialized: bytes(hex: "04" + gx + gy)) == one.publicKey)
        #expect(try PublicKey(serialized: bytes(hex: "02" + gx)) == one.publicKey)
    }

    @Test func publicKeyParsingRejectsBadInput() throws {
        let key = SecretKey().publicKey
        var bad = key.compressed
        bad[0] = 0x05
        #expect(throws: Secp256k1Error.invalidPublicKeyPrefix(0x05)) { try PublicKey(serialized: bad) }
        var hybrid = key.uncompressed
        hybrid[0] = 0x06 | (key.compressed[0] & 1)
        #expect(throws: Secp256k1Error.invalidPublicKeyPrefix(hybrid[0])) { try PublicKey(serialized: hybrid) }
        #expect(throws: Secp256k1Error.invalidLength(field: "public key", expected: [33, 65], actual: 32)) {
            try PublicKey(serialized: key.compressed.dropLast())
        }
        // x = 5 is not on the curve (5^3 + 7 = 132 is not a square mod p)
        #expect(throws: Secp256k1Error.publicKeyNotOnCurve) {
            try PublicKey(serialized: [0x02] + [UInt8](repeating: 0, count: 31) + [5])
        }
        var offCurve = key.uncompressed
        offCurve[64] ^= 1
        #expect(throws: Secp256k1Error.publicKeyNotOnCurve) { try PublicKey(serialized: offCurve) }
    }

    @Test func serializationRoundTrips() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<20 {
            let key = SecretKey(using: &rng)
            #expect(try SecretKey(rawRepresentation: key.rawRepresentation) == key)
            let pub = key.publicKey
            #expect(try PublicKey(serialized: pub.compressed) == pub)
            #expect(try PublicKey(serialized: pub.uncompressed) == pub)
            let (xonly, parity) = pub.xOnly
            #expect(xonly.rawRepresentation == Array(pub.compressed.dropFirst()))
            #expect(parity == (pub.compressed[0] == 3 ? .odd : .even))
            #expect(try XOnlyPublicKey(rawRepresentation: xonly.rawRepresentation) == xonly)
        }
    }

    @Test func secretsAreRedactedAndCompareByValue() throws {
        let key = SecretKey()
        #expect(!String(describing: key).contains(hex(key.rawRepresentation)))
        #expect(!String(reflecting: key).contains(hex(key.rawRepresentation)))
        #expect("\(key)" == "SecretKey(redacted)")
        #expect(try SecretKey(rawRepresentation: key.rawRepresentation) == key)
        #expect(SecretKey() != key)
        let keypair = Keypair(secretKey: key)
        #expect(keypair.secretKey == key)
        #expect(keypair.publicKey == key.publicKey)
        #expect(!"\(keypair)".contains(hex(key.rawRepresentation)))
    }

    @Test func seededGenerationIsDeterministic() {
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        #expect(SecretKey(using: &a) == SecretKey(using: &b))
    }

    @Test func tweakAddMatchesBetweenSecretAndPublic() throws {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<10 {
            let key = SecretKey(using: &rng)
            let tweak = rng.bytes(32)
            #expect(try key.adding(tweak: tweak).publicKey == key.publicKey.adding(tweak: tweak))
            #expect(try key.multiplying(by: tweak).publicKey == key.publicKey.multiplying(by: tweak))
            // P + tG == P + (tG)
            let tG = try SecretKey(rawRepresentation: tweak).publicKey
            #expect(try key.publicKey.adding(tweak: tweak) == key.publicKey.adding(tG))
        }
        let key = SecretKey()
        #expect(throws: Secp256k1Error.invalidTweak) { try key.publicKey.adding(tweak: Self.order) }
        #expect(throws: Secp256k1Error.invalidTweak) { try key.adding(tweak: Self.order) }
        // adding -d gives zero / infinity
        #expect(throws: Secp256k1Error.invalidTweak) { try key.adding(tweak: key.negated().rawRepresentation) }
        #expect(throws: Secp256k1Error.invalidTweak) { try key.publicKey.adding(tweak: key.negated().rawRepresentation) }
        #expect(throws: Secp256k1Error.invalidTweak) { try key.multiplying(by: [UInt8](repeating: 0, count: 32)) }
    }

    @Test func combine() throws {
        let a = SecretKey(), b = SecretKey()
        let sum = try a.adding(tweak: b.rawRepresentation)
        #expect(try PublicKey.combine([a.publicKey, b.publicKey]) == sum.publicKey)
        #expect(try PublicKey.combine([a.publicKey]) == a.publicKey)
        #expect(throws: Secp256k1Error.noKeysToCombine) { try PublicKey.combine([]) }
        #expect(throws: Secp256k1Error.sumIsPointAtInfinity) {
            try PublicKey.combine([a.publicKey, a.publicKey.negated()])
        }
    }

    @Test func xOnlyTweakAndCheck() throws {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<10 {
            let keypair = Keypair(secretKey: SecretKey(using: &rng))
            let internalKey = keypair.xOnlyPublicKey
            let tweak = TaggedHash.sha256(tag: "TapTweak", internalKey.rawRepresentation)
            let (output, parity) = try internalKey.tweaked(by: tweak)
            #expect(output.isTweak(of: internalKey, by: tweak, parity: parity))
            #expect(!output.isTweak(of: internalKey, by: tweak, parity: parity == .even ? .odd : .even))
            #expect(!output.isTweak(of: internalKey, by: rng.bytes(32), parity: parity))
            // The tweaked keypair signs for the output key (key-path spend).
            let tweakedKeypair = try keypair.xOnlyTweaked(by: tweak)
            #expect(tweakedKeypair.xOnlyPublicKey == output)
            let message = rng.bytes(32)
            let signature = tweakedKeypair.signSchnorr(message: message)
            #expect(output.isValidSchnorrSignature(signature, for: message))
            // Q = P_even + tG, computed independently with full points.
            let expected = try internalKey.publicKey.adding(tweak: tweak)
            #expect(expected.xOnly.key == output && expected.xOnly.parity == parity)
        }
        #expect(throws: Secp256k1Error.invalidTweak) { try Keypair().xOnlyPublicKey.tweaked(by: Self.order) }
    }

    @Test func taprootTweakKnownAnswer() throws {
        // BIP-86 first receiving address: internal key and output key for m/86'/0'/0'/0/0.
        let internalKey = try XOnlyPublicKey(
            rawRepresentation: bytes(hex: "cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115"))
        let tweak = TaggedHash.sha256(tag: "TapTweak", internalKey.rawRepresentation)
        let (output, _) = try internalKey.tweaked(by: tweak)
        #expect(hex(output.rawRepresentation) == "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c")
    }

    @Test func taggedHashDefinition() {
        // SHA256(SHA256(tag)||SHA256(tag)||msg) for BIP0340/challenge on an empty message,
        // computed with Python's hashlib.
        #expect(
            hex(TaggedHash.sha256(tag: "BIP0340/challenge", []))
                == "c216d352f5818b7b4beacd4ae0a26fe888080823d2a598856661bcd54f1b3713")
    }
}
