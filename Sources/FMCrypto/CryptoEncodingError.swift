import FMBLS12381

/// Why a canonical byte form of an FMCrypto type was rejected.
public enum CryptoEncodingError: Error, Equatable, CustomStringConvertible {
    case wrongLength(type: String, expected: Int, actual: Int)
    /// A 32-byte scalar whose value is not below the group order r.
    case nonCanonicalScalar
    /// The point encoding itself is invalid (flags, field element, curve, subgroup).
    case invalidPoint(type: String, reason: BLSError)
    /// A public key that is the identity, which would accept forged signatures.
    case identityKey(type: String)

    public var description: String {
        switch self {
        case .wrongLength(let type, let expected, let actual):
            "\(type): expected \(expected) bytes, got \(actual)"
        case .nonCanonicalScalar:
            "scalar is not below the group order r"
        case .invalidPoint(let type, let reason):
            "\(type): invalid point encoding (\(reason))"
        case .identityKey(let type):
            "\(type): the identity point is not a valid public key"
        }
    }
}
