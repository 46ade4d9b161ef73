import FMBLS12381

/// Guardian i's share sk_i = p(i + 1) of a denomination's threshold secret key.
public struct SecretKeyShare: CanonicalBytesRepresentable, Equatable, CustomStringConvertible {
    public let secret: SecretScalar

    public init(_ secret: SecretScalar) { self.secret = secret }

    /// The matching public key share sk_i·G2.
    public var publicKeyShare: PublicKeyShare { PublicKeyShare(G2Point.generator * secret.revealed) }

    /// Signs a blinded message: S_i = sk_i·B (constant time in sk_i).
    public func sign(_ blinded: BlindedMessage) -> BlindSignatureShare {
        BlindSignatureShare(blinded.point * secret.revealed)
    }

    /// 32 bytes, big-endian. Secret.
    public var canonicalBytes: [UInt8] { secret.canonicalBytes }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        secret = try SecretScalar(canonicalBytes: bytes)
    }

    public var description: String { "SecretKeyShare(<redacted>)" }
}

/// Guardian i's public key share pk_i = sk_i·G2, which checks its signature shares.
public struct PublicKeyShare: CanonicalBytesRepresentable, Hashable {
    public let point: G2Point

    public init(_ point: G2Point) { self.point = point }

    /// Checks a guardian's share on a blinded message: e(S_i, G2) = e(B, pk_i).
    public func verify(_ share: BlindSignatureShare, on blinded: BlindedMessage) -> Bool {
        guard !point.isIdentity, !share.point.isIdentity, !blinded.point.isIdentity else { return false }
        return PreparedKeys.productIsOne(blinded.point, point, -share.point)
    }

    /// 96-byte compressed G2 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    /// Rejects invalid points and the identity.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.publicKey(bytes, type: "PublicKeyShare")
    }
}

/// The federation's public key pk = sk·G2 for one denomination, against which notes verify.
public struct AggregatePublicKey: CanonicalBytesRepresentable, Hashable {
    public let point: G2Point

    public init(_ point: G2Point) { self.point = point }

    /// Recovers pk = Σ λ_i·pk_i from the public key shares of any t peers.
    public init(interpolating shares: [(peer: Int, share: PublicKeyShare)]) throws(ShamirError) {
        point = try Shamir.interpolateAtZero(shares.map { (peer: $0.peer, point: $0.share.point) })
    }

    /// Checks a note's signature: e(σ, G2) = e(M, pk). The identity is never a valid signature.
    public func verify(_ signature: Signature, on message: Message) -> Bool {
        guard !point.isIdentity, !signature.point.isIdentity else { return false }
        return PreparedKeys.productIsOne(message.point, point, -signature.point)
    }

    /// 96-byte compressed G2 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    /// Rejects invalid points and the identity.
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.publicKey(bytes, type: "AggregatePublicKey")
    }
}
