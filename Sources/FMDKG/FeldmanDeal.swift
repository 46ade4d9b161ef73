import FMBLS12381
import FMCore
import FMCrypto
import FMServerCore

/// One guardian's contribution to a batch of keys in a Pedersen DKG: a random polynomial of degree t − 1 per
/// key, its Feldman commitments, and the Shamir shares it hands to each guardian.
///
/// The polynomials are secret; they live only as long as this value, and its description is redacted.
struct FeldmanDeal: Sendable, CustomStringConvertible {
    private let polynomials: [Polynomial]
    let reveal: RevealPayload

    init(keyCount: Int, threshold: Int, using rng: inout some RandomNumberGenerator) {
        polynomials = (0..<keyCount).map { _ in Polynomial.random(threshold: threshold, using: &rng) }
        reveal = RevealPayload(commitments: polynomials.map(\.commitment))
    }

    /// p_k(peer + 1) for every key k.
    func shares(for peer: PeerID) -> SharesPayload {
        SharesPayload(shares: polynomials.map { $0.share(forPeer: Int(peer.rawValue)) })
    }

    var description: String { "FeldmanDeal(\(polynomials.count) polynomials, redacted)" }
}

/// Combines every guardian's verified contribution into this guardian's key shares.
enum FeldmanAggregation {
    /// Checks every share received against its dealer's commitments.
    /// - Throws: ``DKGError/invalidShare(_:keyIndex:)`` naming the first dealer whose share does not match.
    static func verify(
        shares: SharesPayload, from dealer: DKGGuardian, commitments: RevealPayload, receiver: PeerID
    ) throws(DKGError) {
        for (index, (share, commitment)) in zip(shares.shares, commitments.commitments).enumerated()
        where !commitment.verify(share: share, forPeer: Int(receiver.rawValue)) {
            throw .invalidShare(dealer, keyIndex: index)
        }
    }

    /// For each key k: sk_i = Σ_j s_(j→i,k), pk = Σ_j C_(j,k,0), pk_m = (Σ_j C_(j,k))(m + 1) for every guardian m.
    ///
    /// - Parameters:
    ///   - commitments: every dealer's reveal (this guardian's included), in peer order.
    ///   - shares: every dealer's shares for this guardian (its own included), in peer order; all verified.
    static func combine(
        commitments: [RevealPayload], shares: [SharesPayload], guardians: Int, receiver: PeerID
    ) throws(DKGError) -> [DistributedThresholdKey] {
        let keyCount = commitments[0].commitments.count
        var keys: [DistributedThresholdKey] = []
        keys.reserveCapacity(keyCount)
        for k in 0..<keyCount {
            let summed = FeldmanCommitment.sum(commitments.map { $0.commitments[k] })
            guard !summed.publicKey.isIdentity else { throw .degenerateKey(keyIndex: k) }
            var secret = Scalar.zero
            for dealer in shares { secret = secret + dealer.shares[k].revealed }
            let secretShare = SecretKeyShare(SecretScalar(secret))
            let publicShares = (0..<guardians).map { PublicKeyShare(summed.publicKeyShare(forPeer: $0)) }
            // Holds whenever every share verified; checked so that a bug can never write a key that cannot sign.
            guard secretShare.publicKeyShare == publicShares[Int(receiver.rawValue)] else {
                throw .degenerateKey(keyIndex: k)
            }
            keys.append(DistributedThresholdKey(
                aggregatePublicKey: AggregatePublicKey(summed.publicKey), publicKeyShares: publicShares,
                secretKeyShare: secretShare))
        }
        return keys
    }
}
