import FMBLS12381

/// Guardian i's signature share S_i = sk_i·B on a blinded message.
public struct BlindSignatureShare: CanonicalBytesRepresentable, Hashable {
    public let point: G1Point

    public init(_ point: G1Point) { self.point = point }

    /// 48-byte compressed G1 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g1(bytes, type: "BlindSignatureShare")
    }
}

/// S = sk·B, the threshold signature on a blinded message.
public struct BlindSignature: CanonicalBytesRepresentable, Hashable {
    public let point: G1Point

    public init(_ point: G1Point) { self.point = point }

    /// Combines signature shares by Lagrange interpolation at 0 (x = peer + 1):
    /// S = Σ λ_i·S_i over the first `threshold` shares given.
    ///
    /// - Important: shares are not checked here; check each with
    ///   ``PublicKeyShare/verify(_:on:)`` first, or verify the unblinded result.
    /// - Throws: ``TBSError/notEnoughShares(needed:got:)`` if fewer than
    ///   `threshold` shares are given, ``TBSError/duplicatePeer(_:)`` if a
    ///   peer appears twice, ``TBSError/invalidPeer(_:)`` for a negative index.
    public static func combine(
        _ shares: [(peer: Int, share: BlindSignatureShare)], threshold: Int
    ) throws(TBSError) -> BlindSignature {
        precondition(threshold >= 1, "threshold must be at least 1")
        var seen = Set<Int>()
        for (peer, _) in shares {
            guard peer >= 0 else { throw .invalidPeer(peer) }
            guard seen.insert(peer).inserted else { throw .duplicatePeer(peer) }
        }
        guard shares.count >= threshold else { throw .notEnoughShares(needed: threshold, got: shares.count) }
        let used = shares.prefix(threshold).map { (peer: $0.peer, point: $0.share.point) }
        do { return BlindSignature(try Shamir.interpolateAtZero(Array(used))) } catch {
            preconditionFailure("peers were validated above: \(error)")
        }
    }

    /// Removes the blinding: σ = r⁻¹·S.
    public func unblinded(by key: BlindingKey) -> Signature {
        guard let inverse = key.secret.revealed.inverse() else {
            preconditionFailure("a blinding key is never zero")
        }
        return Signature(point * inverse)
    }

    /// 48-byte compressed G1 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g1(bytes, type: "BlindSignature")
    }
}

/// σ = sk·M, a note's signature, verified with ``AggregatePublicKey/verify(_:on:)``.
public struct Signature: CanonicalBytesRepresentable, Hashable {
    public let point: G1Point

    public init(_ point: G1Point) { self.point = point }

    /// 48-byte compressed G1 point.
    public var canonicalBytes: [UInt8] { point.compressed }
    public init(canonicalBytes bytes: some Collection<UInt8>) throws(CryptoEncodingError) {
        point = try PointDecoding.g1(bytes, type: "Signature")
    }
}
