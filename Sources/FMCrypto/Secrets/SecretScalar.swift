import FMBLS12381

/// A secret element of the scalar field (a key share, a polynomial
/// coefficient, a blinding factor).
///
/// Its `description` is redacted so that it never reaches a log, and `==`
/// compares in constant time. The value leaves only through ``revealed`` or
/// ``canonicalBytes``, both of which callers must treat as secret.
public struct SecretScalar: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret value. Use only in constant-time arithmetic.
    public let revealed: Scalar

    public init(_ value: Scalar) { revealed = value }

    /// A uniformly random non-zero scalar.
    /// - Important: pass a cryptographically secure generator for real secrets.
    public static func random(using rng: inout some RandomNumberGenerator) -> SecretScalar {
        while true {
            let candidate = Scalar.random(using: &rng)
            if !candidate.isZero { return SecretScalar(candidate) }
        }
    }

    /// The 32-byte big-endian form. Secret: write it only to protected storage.
    public var canonicalBytes: [UInt8] { revealed.bigEndianBytes }

    /// Decodes 32 big-endian bytes; rejects values ≥ r.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        guard bytes.count == 32 else { throw .wrongLength(type: "SecretScalar", expected: 32, actual: bytes.count) }
        guard let value = Scalar(bigEndianBytes: bytes) else { throw .nonCanonicalScalar }
        revealed = value
    }

    public var description: String { "SecretScalar(<redacted>)" }
    public var debugDescription: String { description }

    /// Constant-time equality: every byte is compared whatever the first difference.
    public static func == (lhs: SecretScalar, rhs: SecretScalar) -> Bool {
        constantTimeEqual(lhs.revealed.bigEndianBytes, rhs.revealed.bigEndianBytes)
    }
}

/// Compares two byte strings of equal length without an early exit.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
