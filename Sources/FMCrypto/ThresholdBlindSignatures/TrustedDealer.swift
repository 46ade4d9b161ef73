import FMBLS12381

/// Key generation by a single trusted dealer.
///
/// - Important: for tests and benchmarks only. The dealer learns the whole
///   secret key; real federations generate keys with the DKG.
public enum TrustedDealer {
    /// The keys a dealer hands out: everyone's public shares, each peer's secret share.
    public struct Keys: Sendable {
        public let threshold: Int
        public let aggregatePublicKey: AggregatePublicKey
        /// Indexed by peer (0-based).
        public let publicKeyShares: [PublicKeyShare]
        /// Indexed by peer (0-based).
        public let secretKeyShares: [SecretKeyShare]
        /// The Feldman commitment of the dealt polynomial.
        public let commitment: FeldmanCommitment
    }

    /// Deals a random t-of-n key: sk_i = p(i + 1) for a random polynomial p of degree t - 1.
    /// - Precondition: 1 ≤ threshold ≤ peers.
    public static func dealKeysForTesting(
        threshold: Int, peers: Int, using rng: inout some RandomNumberGenerator
    ) -> Keys {
        precondition(threshold >= 1 && threshold <= peers, "need 1 <= threshold <= peers")
        let polynomial = Polynomial.random(threshold: threshold, using: &rng)
        let commitment = polynomial.commitment
        let secretShares = (0..<peers).map { SecretKeyShare(polynomial.share(forPeer: $0)) }
        return Keys(
            threshold: threshold,
            aggregatePublicKey: AggregatePublicKey(commitment.publicKey),
            publicKeyShares: (0..<peers).map { PublicKeyShare(commitment.publicKeyShare(forPeer: $0)) },
            secretKeyShares: secretShares,
            commitment: commitment)
    }
}
