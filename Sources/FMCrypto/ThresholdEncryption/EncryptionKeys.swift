import FMBLS12381

/// The federation's threshold encryption key pk = sk·G2 (the DKG's aggregate key for the Lightning module).
public struct EncryptionPublicKey: CanonicalBytesRepresentable, Hashable {
    public let point: G2Point

    /// - Precondition: not the identity (a key that decrypts everything); decode untrusted bytes instead.
    public init(_ point: G2Point) {
        precondition(!point.isIdentity, "the identity is not an encryption key")
        self.point = point
    }

    /// The same key the DKG hands out for signing: the scheme uses sk and pk = sk·G2 unchanged.
    public init(_ key: AggregatePublicKey) { self.init(key.point) }

    /// 96-byte compressed G2 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    /// Rejects invalid points and the identity.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.publicKey(bytes, type: "EncryptionPublicKey")
    }
}

/// Guardian i's share sk_i = p(i + 1) of the decryption key. Secret.
public struct DecryptionKeyShare: CanonicalBytesRepresentable, Equatable, CustomStringConvertible {
    public let secret: SecretScalar

    public init(_ secret: SecretScalar) { self.secret = secret }

    /// The guardian's DKG key share, used unchanged.
    public init(_ share: SecretKeyShare) { secret = share.secret }

    /// pk_i = sk_i·G2, against which this guardian's decryption shares verify.
    public var publicShare: DecryptionPublicKeyShare {
        DecryptionPublicKeyShare(G2Point.generator * secret.revealed)
    }

    /// 32 bytes, big-endian. Secret.
    public var canonicalBytes: [UInt8] { secret.canonicalBytes }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        secret = try SecretScalar(canonicalBytes: bytes)
    }

    public var description: String { "DecryptionKeyShare(<redacted>)" }
}

/// Guardian i's public key share pk_i = sk_i·G2, which checks its decryption shares.
public struct DecryptionPublicKeyShare: CanonicalBytesRepresentable, Hashable {
    public let point: G2Point

    public init(_ point: G2Point) { self.point = point }

    /// The guardian's DKG public key share, used unchanged.
    public init(_ share: PublicKeyShare) { point = share.point }

    /// 96-byte compressed G2 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    /// Rejects invalid points and the identity.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.publicKey(bytes, type: "DecryptionPublicKeyShare")
    }
}
