import FMCore

/// Static parameters of one guardian's consensus engine.
///
/// All guardians of a federation must use the same `peers`, `federationID` and limits; the timing
/// values are local (they only affect liveness, never safety).
public struct ConsensusConfiguration: Sendable, Equatable {
    /// Every guardian, in ascending order; `n = peers.count`.
    public let peers: [PeerID]
    /// The guardian running this engine; must be one of `peers`.
    public let ownID: PeerID
    /// The federation this engine orders items for (FMCore computes it from the consensus config). Every
    /// signed statement is bound to it (``domain``), and it stands in for the hash of the (virtual) block
    /// before the first one (``genesisHash``), so votes and chains of different federations never mix.
    public let federationID: FederationID
    /// Simplex's per-iteration timer (3Δ in the paper): when it fires before the iteration ended,
    /// this guardian votes for the dummy block ⊥.
    public var iterationTimeout: Duration
    /// How long a leader with nothing to propose waits for items before proposing an empty block, while the
    /// federation is busy (the last block carried items, or a guardian holds items). Must be well below
    /// `iterationTimeout`, or idle iterations end in timeouts instead of blocks.
    public var idleProposalDelay: Duration
    /// The bound of the idle back-off: after k empty blocks in a row the leader waits
    /// `idleProposalDelay` × 2^k, at most this long, and every guardian's iteration timer grows by the same
    /// wait, so an idle federation finalizes one empty block per this period instead of one per
    /// `idleProposalDelay`. An item arriving anywhere ends the back-off at once (``ConsensusMessage/wake(iteration:)``).
    /// Equal to `idleProposalDelay` (or below it): no back-off.
    public var maxIdleProposalDelay: Duration
    /// Batching under load: a leader whose iteration follows one that notarized a block of more than one item (items
    /// arrive faster than blocks) proposes no earlier than this long after the iteration began (a full block at once),
    /// so one block carries what arrives meanwhile and the per-block cost (votes, signatures, a durable commit at every
    /// guardian) is shared. After a block of one item or none (a lone client, an idle federation) or a ⊥ it proposes
    /// at once, and so does a federation of one guardian. Zero: never wait. At most a quarter of `iterationTimeout` is used. docs/consensus.md, "Batching
    /// under load".
    public var batchWindow: Duration
    /// Period of the status/retransmission timer that repairs lost messages and drives catch-up.
    public var retransmitInterval: Duration
    /// Bounds that keep memory finite whatever peers send.
    public var limits: ConsensusLimits
    /// Seeds the choice of which peer ahead to ask for missing blocks: fresh randomness by default,
    /// so a lying peer cannot predict when it is asked; the simulator and tests pass a fixed seed so
    /// a run replays exactly. Local: it never affects safety.
    public var catchUpSeed: UInt64

    /// - Precondition: `peers` is non-empty, sorted, without duplicates, and contains `ownID`.
    public init(
        peers: [PeerID], ownID: PeerID, federationID: FederationID,
        iterationTimeout: Duration = .seconds(4), idleProposalDelay: Duration = .milliseconds(500),
        maxIdleProposalDelay: Duration = .seconds(120), batchWindow: Duration = .milliseconds(40),
        retransmitInterval: Duration = .seconds(2), limits: ConsensusLimits = ConsensusLimits(),
        catchUpSeed: UInt64 = .random(in: .min ... .max)
    ) {
        precondition(!peers.isEmpty, "a federation has at least one guardian")
        precondition(zip(peers, peers.dropFirst()).allSatisfy { $0 < $1 }, "peers must be sorted and unique")
        precondition(peers.contains(ownID), "ownID must be one of the peers")
        self.peers = peers
        self.ownID = ownID
        self.federationID = federationID
        self.iterationTimeout = iterationTimeout
        self.idleProposalDelay = idleProposalDelay
        self.maxIdleProposalDelay = maxIdleProposalDelay
        self.batchWindow = batchWindow
        self.retransmitInterval = retransmitInterval
        self.limits = limits
        self.catchUpSeed = catchUpSeed
    }

    /// What every signature of this federation's consensus is bound to.
    public var domain: ConsensusDomain { ConsensusDomain(federationID: federationID) }

    /// The parent hash of the first block: the federation id.
    public var genesisHash: Hash256 { federationID.hash }

    /// Number of guardians.
    public var n: Int { peers.count }
    /// Byzantine guardians tolerated: f = ⌊(n − 1) / 3⌋.
    public var faultTolerance: Int { (n - 1) / 3 }
    /// Votes that make a quorum: t = n − f.
    public var quorum: Int { n - faultTolerance }

    /// The leader of an iteration: round robin over `peers`, so every honest guardian leads once
    /// every n iterations (its own submitted items are proposed then).
    public func leader(of iteration: UInt64) -> PeerID {
        peers[Int(iteration % UInt64(peers.count))]
    }

    /// The guardians other than this one.
    public var otherPeers: [PeerID] { peers.filter { $0 != ownID } }
}

/// Size limits of the consensus engine. Every bound on memory derives from these.
public struct ConsensusLimits: Sendable, Equatable {
    /// Largest accepted item, in bytes.
    public var maxItemBytes: Int
    /// Most items in one block.
    public var maxItemsPerBlock: Int
    /// Most bytes of items in one block.
    public var maxBlockBytes: Int
    /// Most submitted items waiting to be proposed by this guardian.
    public var maxPendingItems: Int
    /// Messages about iterations more than this far ahead of the current one are dropped.
    public var iterationWindow: UInt64
    /// Most blocks sent in one catch-up response.
    public var catchUpBatch: Int
    /// The bytes a server fills per catch-up answer (fm-node: the peer frame limit, 8 MiB). An answer whose blocks
    /// come within ``maxBlockBytes`` + 64 KiB of it was cut by size, not withheld: it is a full answer even with fewer
    /// than ``catchUpBatch`` blocks, so honest peers serving large blocks are never penalized as tricklers.
    public var catchUpAnswerBytes: Int
    /// How many recently finalized item hashes are remembered to refuse proposals repeating them.
    public var recentItemMemory: Int

    public init(
        maxItemBytes: Int = 1 << 20, maxItemsPerBlock: Int = 1_000, maxBlockBytes: Int = 4 << 20, maxPendingItems: Int = 10_000,
        iterationWindow: UInt64 = 64, catchUpBatch: Int = 128, recentItemMemory: Int = 100_000,
        catchUpAnswerBytes: Int = 8 << 20
    ) {
        self.catchUpAnswerBytes = catchUpAnswerBytes
        self.maxItemBytes = maxItemBytes
        self.maxItemsPerBlock = maxItemsPerBlock
        self.maxBlockBytes = maxBlockBytes
        self.maxPendingItems = maxPendingItems
        self.iterationWindow = iterationWindow
        self.catchUpBatch = catchUpBatch
        self.recentItemMemory = recentItemMemory
    }
}
