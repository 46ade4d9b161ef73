import FMBLS12381

/// The point M = H(nonce) in G1 that a note's signature signs.
public struct Message: CanonicalBytesRepresentable, Hashable {
    public let point: G1Point

    public init(_ point: G1Point) { self.point = point }

    /// M = hash_to_G1(nonce) with the mint's domain tag ``DomainTags/mintMessage``.
    /// - Parameter nonce: the note's nonce (its 32-byte x-only spend public key).
    public init(nonce: some Collection<UInt8>) {
        point = HashToG1.hash(nonce, domain: DomainTags.mintMessage)
    }

    /// M = hash_to_G1(bytes) under another domain tag (tests, other protocols).
    public init(hashing bytes: some Collection<UInt8>, domain: some Collection<UInt8>) {
        point = HashToG1.hash(bytes, domain: domain)
    }

    /// Blinds the message for issuance: B = r·M.
    public func blinded(by key: BlindingKey) -> BlindedMessage {
        BlindedMessage(point * key.secret.revealed)
    }

    /// 48-byte compressed G1 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g1(bytes, type: "Message")
    }
}

/// The client's secret blinding factor r ≠ 0 for one note.
public struct BlindingKey: CanonicalBytesRepresentable, Equatable, CustomStringConvertible {
    public let secret: SecretScalar

    /// - Precondition: the scalar is not zero (r must be invertible).
    public init(_ secret: SecretScalar) {
        precondition(!secret.revealed.isZero, "a blinding key must not be zero")
        self.secret = secret
    }

    /// A fresh uniformly random blinding key.
    /// - Important: pass a cryptographically secure generator; a predictable
    ///   r lets the guardians link the note to its issuance.
    public static func random(using rng: inout some RandomNumberGenerator) -> BlindingKey {
        BlindingKey(SecretScalar.random(using: &rng))
    }

    /// 32 bytes, big-endian. Secret.
    public var canonicalBytes: [UInt8] { secret.canonicalBytes }
    /// Rejects non-canonical scalars and zero.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        let secret = try SecretScalar(canonicalBytes: bytes)
        guard !secret.revealed.isZero else { throw .nonCanonicalScalar }
        self.secret = secret
    }

    public var description: String { "BlindingKey(<redacted>)" }
}

/// B = r·M, what the client sends to the guardians; reveals nothing about M.
public struct BlindedMessage: CanonicalBytesRepresentable, Hashable {
    public let point: G1Point

    public init(_ point: G1Point) { self.point = point }

    /// 48-byte compressed G1 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g1(bytes, type: "BlindedMessage")
    }
}
