import FMCore

/// Signs this guardian's votes. The production implementation is ``SchnorrConsensusSigner``.
public protocol ConsensusSigner: Sendable {
    /// The guardian whose key signs.
    var peer: PeerID { get }
    /// Signs a 32-byte digest (``VoteStatement/signingDigest(in:)``).
    func sign(digest: Hash256) -> [UInt8]
}

/// Checks guardians' signatures. Must be deterministic and must never trap on malformed input.
public protocol ConsensusVerifier: Sendable {
    /// Whether `signature` is `peer`'s valid signature of `digest`; `false` for unknown peers.
    func isValidSignature(_ signature: [UInt8], of digest: Hash256, by peer: PeerID) -> Bool
}
