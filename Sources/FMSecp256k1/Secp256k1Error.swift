/// Why a secp256k1 operation refused its input.
public enum Secp256k1Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte string had the wrong length; `field` names it, `expected` lists the accepted lengths.
    case invalidLength(field: String, expected: [Int], actual: Int)
    /// A secret key was zero or not below the group order n.
    case invalidSecretKey
    /// A public key encoding had an unknown prefix byte (only 0x02/0x03 for 33 bytes and 0x04 for 65 are accepted).
    case invalidPublicKeyPrefix(UInt8)
    /// A public key encoding did not describe a point on the curve.
    case publicKeyNotOnCurve
    /// A 32-byte x-only public key was not the x coordinate of a curve point.
    case invalidXOnlyPublicKey
    /// A tweak was not below the group order, or applying it gave the point at infinity / a zero key.
    case invalidTweak
    /// A DER signature was not a valid DER encoding.
    case invalidDERSignature
    /// A 64-byte compact signature had r or s not below the group order.
    case invalidCompactSignature
    /// A recovery id outside 0...3.
    case invalidRecoveryID(Int)
    /// No public key could be recovered from the signature and message.
    case publicKeyRecoveryFailed
    /// Combining public keys needs at least one key.
    case noKeysToCombine
    /// The sum of the public keys was the point at infinity.
    case sumIsPointAtInfinity
    /// libsecp256k1 refused to sign (only possible with inputs it considers invalid).
    case signingFailed

    public var description: String {
        switch self {
        case let .invalidLength(field, expected, actual):
            let choices = expected.map(String.init).joined(separator: " or ")
            return "\(field): expected \(choices) bytes, got \(actual)"
        case .invalidSecretKey: return "secret key: must be in 1...n-1 (zero or not below the curve order)"
        case let .invalidPublicKeyPrefix(prefix):
            return "public key: unknown prefix byte 0x\(String(prefix, radix: 16)) (expected 02/03 compressed or 04 uncompressed)"
        case .publicKeyNotOnCurve: return "public key: not a point on secp256k1"
        case .invalidXOnlyPublicKey: return "x-only public key: not the x coordinate of a point on secp256k1"
        case .invalidTweak: return "tweak: not below the curve order, or the tweaked key is invalid"
        case .invalidDERSignature: return "ECDSA signature: not a valid DER encoding"
        case .invalidCompactSignature: return "ECDSA signature: r or s not below the curve order"
        case let .invalidRecoveryID(id): return "recovery id: expected 0...3, got \(id)"
        case .publicKeyRecoveryFailed: return "recoverable signature: no public key recovers from this signature and message"
        case .noKeysToCombine: return "public key combination: at least one key is needed"
        case .sumIsPointAtInfinity: return "public key combination: the sum is the point at infinity"
        case .signingFailed: return "signing failed"
        }
    }
}

/// Copies `bytes` into an array, checking that it has exactly `count` bytes.
func fixedLength(_ bytes: some Collection<UInt8>, _ count: Int, _ field: String) throws(Secp256k1Error) -> [UInt8] {
    guard bytes.count == count else { throw .invalidLength(field: field, expected: [count], actual: bytes.count) }
    return Array(bytes)
}
