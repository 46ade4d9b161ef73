import FMCore

/// What the engine knows about one Simplex iteration. Every collection is bounded: at most one
/// vote of each kind per guardian, one proposal, and block bodies only from the leader's
/// proposal or a verified notarization.
struct IterationState: Sendable {
    /// The leader's first proposal (a second, different one is equivocation and ignored).
    var proposal: Proposal?
    /// Block bodies known for this iteration, by hash (at most two).
    var bodies: [Hash256: Block] = [:]
    var notarizeVotes: [PeerID: Vote] = [:]
    var skipVotes: [PeerID: Vote] = [:]
    var finalizeVotes: [PeerID: Vote] = [:]
    /// The block notarized in this iteration, once t notarize votes and its body are known.
    var notarized: NotarizedBlock?
    /// Set once `notarized` is known to extend the finalized tip through notarized blocks.
    var notarizedChainIsValid = false
    /// t skip votes: the dummy block ⊥ is notarized in this iteration.
    var skipCertificate: QuorumCertificate?
    /// t finalize votes on one block of this iteration.
    var finalization: QuorumCertificate?

    static let maxBodies = 2

    mutating func remember(_ block: Block) {
        let hash = block.hash
        guard bodies[hash] == nil, bodies.count < Self.maxBodies else { return }
        bodies[hash] = block
    }
}
