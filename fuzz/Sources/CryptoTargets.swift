import FMBLS12381
import FMCrypto

/// The threshold encryption types a client or guardian decodes from outside: ciphertexts (in contracts), decryption
/// shares (from guardians) and keys (from the config). Accepted bytes must round-trip, and checking a decoded
/// ciphertext or share must not trap.
let cryptoTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "threshold-encryption", run: { dispatch($0, thresholdEncryptionDecoders) },
        seeds: thresholdEncryptionSeeds)
]

/// A 1-of-1 key and one ciphertext under it, from fixed bytes (seeds must not change between runs).
enum EncryptionSample {
    static let secret = DecryptionKeyShare(SecretScalar(Scalar(0x5eed)))
    static let key = EncryptionPublicKey(secret.publicShare.point)
    static let contract = Array("fuzz contract".utf8)
    static let ciphertext: ThresholdCiphertext = {
        var rng = FixedRandom()
        return ThresholdEncryption.encrypt(
            [UInt8](repeating: 0x42, count: 32), to: key, associatedData: contract, using: &rng)
    }()
    static let share = ThresholdEncryption.decryptionShare(for: ciphertext, associatedData: contract, with: secret)!

    /// Deterministic stand-in for the CSPRNG: the seed corpus must be reproducible.
    struct FixedRandom: RandomNumberGenerator {
        var state: UInt64 = 0x0123_4567_89ab_cdef
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }
}

private func checkCanonicalCrypto<T: CanonicalBytesRepresentable & Equatable>(_: T.Type, _ bytes: [UInt8]) -> T? {
    guard let value = try? T(canonicalBytes: bytes) else { return nil }
    let encoded = value.canonicalBytes
    require(encoded == bytes, "\(T.self): accepted \(hex(bytes)) but encodes as \(hex(encoded))")
    require((try? T(canonicalBytes: encoded)) == value, "\(T.self): decode(encode(x)) != x")
    return value
}

private let thresholdEncryptionDecoders: [@Sendable ([UInt8]) -> Void] = [
    { bytes in
        guard let ciphertext = checkCanonicalCrypto(ThresholdCiphertext.self, bytes) else { return }
        // What a guardian does with a contract's ciphertext: check it, and share only if valid.
        let share = ThresholdEncryption.decryptionShare(
            for: ciphertext, associatedData: EncryptionSample.contract, with: EncryptionSample.secret)
        require(
            (share != nil) == ciphertext.isValid(associatedData: EncryptionSample.contract),
            "share for an invalid ciphertext")
    },
    { bytes in
        guard let share = checkCanonicalCrypto(DecryptionShare.self, bytes) else { return }
        // What a client does with a guardian's answer: check it, then combine.
        let valid = ThresholdEncryption.verify(
            share, for: EncryptionSample.ciphertext, from: EncryptionSample.secret.publicShare)
        let combined = try? ThresholdEncryption.combine(
            [(peer: 0, share: share)], for: EncryptionSample.ciphertext,
            publicShares: [0: EncryptionSample.secret.publicShare])
        require(valid == (combined != nil), "combine disagrees with verify")
    },
    { _ = checkCanonicalCrypto(EncryptionPublicKey.self, $0) },
    { _ = checkCanonicalCrypto(DecryptionPublicKeyShare.self, $0) },
]

@Sendable private func thresholdEncryptionSeeds() -> [[UInt8]] {
    [
        selected(0, EncryptionSample.ciphertext.canonicalBytes),
        selected(1, EncryptionSample.share.canonicalBytes),
        selected(2, EncryptionSample.key.canonicalBytes),
        selected(3, EncryptionSample.secret.publicShare.canonicalBytes),
    ]
}
