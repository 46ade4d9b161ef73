import FMBLS12381
import FMCrypto
import FMTesting
import Testing

@Suite struct EncodingTests {
    @Test func everyTypeRoundTripsThroughItsCanonicalBytes() throws {
        var rng = SeededRandom(seed: 21)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 2, peers: 3, using: &rng)
        let message = Message(nonce: rng.bytes(32))
        let blindingKey = BlindingKey.random(using: &rng)
        let blinded = message.blinded(by: blindingKey)
        let share = keys.secretKeyShares[0].sign(blinded)
        let blindSignature = try BlindSignature.combine(
            [(peer: 0, share: share), (peer: 1, share: keys.secretKeyShares[1].sign(blinded))], threshold: 2)
        let signature = blindSignature.unblinded(by: blindingKey)

        func roundTrip<T: CanonicalBytesRepresentable & Equatable>(_ value: T, length: Int) throws {
            #expect(value.canonicalBytes.count == length, "\(T.self)")
            #expect(try T(canonicalBytes: value.canonicalBytes) == value, "\(T.self)")
            #expect(throws: CryptoEncodingError.self) { try T(canonicalBytes: value.canonicalBytes.dropLast()) }
        }
        try roundTrip(keys.secretKeyShares[0], length: 32)
        try roundTrip(keys.publicKeyShares[0], length: 96)
        try roundTrip(keys.aggregatePublicKey, length: 96)
        try roundTrip(blindingKey, length: 32)
        try roundTrip(message, length: 48)
        try roundTrip(blinded, length: 48)
        try roundTrip(share, length: 48)
        try roundTrip(blindSignature, length: 48)
        try roundTrip(signature, length: 48)
    }

    @Test func decodingValidates() throws {
        // r itself is not a canonical scalar.
        let r = bytes(hex: "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
        #expect(throws: CryptoEncodingError.nonCanonicalScalar) { try SecretKeyShare(canonicalBytes: r) }
        #expect(throws: CryptoEncodingError.nonCanonicalScalar) {
            try BlindingKey(canonicalBytes: [UInt8](repeating: 0, count: 32))
        }
        // The KAT's invalid G1 encodings (bad flags, off curve, outside the subgroup, x ≥ p).
        let g1Cases = try array(object(object(Fixtures.json("bls12381_kat.json"))["invalid_encodings"])["g1"])
        #expect(!g1Cases.isEmpty)
        for case let entry as JSONObject in g1Cases {
            let encoding = bytes(hex: try string(entry["encoding"]))
            let reason = try string(entry["reason"])
            #expect(throws: CryptoEncodingError.self, "\(reason)") {
                try Signature(canonicalBytes: encoding)
            }
        }
    }

    @Test func secretsAreRedactedAndCompareByValue() throws {
        var rng = SeededRandom(seed: 22)
        let secret = SecretScalar.random(using: &rng)
        let hexValue = hex(secret.canonicalBytes)
        for text in ["\(secret)", String(reflecting: secret), "\(SecretKeyShare(secret))", "\(BlindingKey(secret))"] {
            #expect(!text.contains(hexValue) && text.contains("redacted"), "\(text)")
        }
        #expect(secret == SecretScalar(secret.revealed))
        #expect(secret != SecretScalar(secret.revealed + .one))
        #expect(try SecretScalar(canonicalBytes: secret.canonicalBytes) == secret)
    }
}
