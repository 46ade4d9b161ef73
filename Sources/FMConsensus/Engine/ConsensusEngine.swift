import FMCore

/// Simplex Consensus (Chan & Pass, TCC 2023) as a pure, deterministic state machine: an atomic
/// broadcast of opaque items among the guardians of a federation.
///
/// The host feeds ``ConsensusEvent``s to ``handle(_:)`` one at a time and performs the returned
/// ``ConsensusAction``s in order: it sends messages, arms timers, stores checkpoints and
/// finalized blocks. The engine has no clock, thread, socket, randomness or I/O, so the same
/// events always produce the same actions (the simulator relies on this).
///
/// Guarantees with at most f = ⌊(n − 1)/3⌋ Byzantine guardians: honest guardians finalize
/// prefix-consistent chains under any message delays (safety); once messages arrive within the
/// timeouts, every item submitted to an honest guardian is finalized (liveness); memory stays
/// bounded by ``ConsensusLimits`` whatever peers send.
///
/// ```swift
/// var engine = ConsensusEngine(configuration: config, signer: signer, verifier: verifier,
///                              restoring: storedCheckpoint, finalizedTail: lastStoredBlocks)
/// for action in engine.handle(.start) { perform(action) }
/// // later: engine.handle(.received(from: peer, bytes: frame)), .timerFired(timer), .submit(item: bytes)
/// ```
public struct ConsensusEngine: Sendable {
    public let configuration: ConsensusConfiguration
    let signer: any ConsensusSigner
    let verifier: any ConsensusVerifier

    /// The current Simplex iteration (0 until started).
    public internal(set) var iteration: UInt64
    /// The end of the finalized chain.
    public internal(set) var finalizedTip: ChainTip

    /// This guardian's notarize vote in the current iteration (the proposal, if leading).
    var notarizeVote: Hash256?
    /// Whether this guardian voted ⊥ (timed out) in the current iteration.
    var skipVote: Bool
    /// The last finalize vote cast, re-sent by the retransmission timer.
    var lastFinalizeVote: Vote?
    /// Set when the idle-proposal timer of the current iteration fired.
    var idleProposalDue = false
    var waitingForItems = false
    /// The idle back-off (ConsensusEngine+Idle.swift): empty blocks in a row at the finalized tip, the last
    /// iteration the back-off is off for because some guardian holds items, the leader's wait in the current
    /// iteration as the chain alone sets it, and the wait it uses.
    var finalizedEmptyStreak: UInt64 = 0
    var awakeUntil: UInt64 = 0
    var backoffDelay: Duration
    var iterationIdleDelay: Duration
    var started = false
    /// Batching (ConsensusEngine+Batching.swift): whether this guardian, leading the current iteration under load,
    /// still holds its block back, and how many items the finalized tip's block carried.
    var batchWindowOpen = false
    var finalizedTipItemCount = 0
    /// A scheduled shutdown's height: this guardian neither proposes nor votes for a block above it, so once every
    /// honest guardian holds it nothing past it can be notarized (the host sets it when the shutdown is agreed).
    public var orderingLimit: UInt64?
    var lastPersisted: ConsensusCheckpoint?

    var rounds: [UInt64: IterationState] = [:]
    /// Iteration of each notarized block, by hash (unfinalized iterations only).
    var notarizedIndex: [Hash256: UInt64] = [:]
    var pool = ItemPool()
    var recentItems: RecentItems

    /// Counts retransmission periods; per-peer service is limited to once per period.
    var epoch: UInt64 = 0
    var statusServedEpoch: [PeerID: UInt64] = [:]
    var blocksServedEpoch: [PeerID: UInt64] = [:]
    /// Catch-up: who claims to be ahead, who is outstanding, who is distrusted (CatchUpState.swift).
    var catchUp: CatchUpState

    /// Actions produced by the event being handled.
    var output: [ConsensusAction] = []

    /// Creates an engine, fresh or resuming after a restart.
    /// - Parameters:
    ///   - restoring: the last ``ConsensusAction/persist(_:)`` record stored, if any.
    ///   - finalizedTail: the last finalized blocks the host stored, ascending (the last is the
    ///     tip); a few hundred suffice, they seed the duplicate-item memory. Empty when fresh.
    public init(
        configuration: ConsensusConfiguration, signer: any ConsensusSigner, verifier: any ConsensusVerifier,
        restoring checkpoint: ConsensusCheckpoint? = nil, finalizedTail: [FinalizedBlock] = []
    ) {
        precondition(signer.peer == configuration.ownID, "the signer must hold this guardian's key")
        self.configuration = configuration
        self.signer = signer
        self.verifier = verifier
        self.recentItems = RecentItems(capacity: configuration.limits.recentItemMemory)
        self.catchUp = CatchUpState(seed: configuration.catchUpSeed)
        self.backoffDelay = configuration.idleProposalDelay
        self.iterationIdleDelay = configuration.idleProposalDelay
        let tip = finalizedTail.last.map { ChainTip(after: $0.header) } ?? .genesis(configuration.genesisHash)
        self.finalizedTip = tip
        for block in finalizedTail {
            for item in block.items { recentItems.insert(ConsensusItem.hash(of: item)) }
        }
        if let checkpoint, checkpoint.iteration > tip.iteration {
            iteration = checkpoint.iteration
            notarizeVote = checkpoint.notarizeVote
            skipVote = checkpoint.skipVote
            for link in checkpoint.chain where link.iteration > tip.iteration {
                switch link {
                case .notarized(let block):
                    rounds[link.iteration, default: IterationState()].notarized = block
                    rounds[link.iteration]?.remember(block.block)
                    notarizedIndex[block.block.hash] = link.iteration
                case .skipped(let certificate):
                    rounds[link.iteration, default: IterationState()].skipCertificate = certificate
                }
            }
        } else {
            iteration = tip.iteration
            notarizeVote = nil
            skipVote = false
        }
        lastPersisted = checkpoint
        for block in finalizedTail { noteFinalized(block) }
    }

    /// Processes one event and returns what the host must do, in order.
    public mutating func handle(_ event: ConsensusEvent) -> [ConsensusAction] {
        output = []
        switch event {
        case .start: start()
        case .received(let peer, let bytes): receive(bytes, from: peer)
        case .timerFired(let timer): timerFired(timer)
        case .submit(let item): submit(item)
        }
        if started { makeProgress() }
        defer { output = [] }
        return output
    }

    /// The latest finalized count each peer announced in its status (a host waiting for its peers to reach a
    /// height before it stops reads it).
    public var peerFinalizedCounts: [PeerID: UInt64] { catchUp.claims }

    /// What this guardian has voted in its current iteration (``checkpoint`` without the chain).
    public var votes: ConsensusCheckpoint {
        ConsensusCheckpoint(iteration: iteration, notarizeVote: notarizeVote, skipVote: skipVote)
    }

    /// The record to persist now (what ``ConsensusAction/persist(_:)`` carries).
    public mutating func checkpoint() -> ConsensusCheckpoint {
        ConsensusCheckpoint(iteration: iteration, notarizeVote: notarizeVote, skipVote: skipVote, chain: currentChain())
    }

    /// Items submitted here and not finalized yet.
    public var pendingItemCount: Int { pool.count }

    /// Iterations the engine holds state for (votes, proposals, certificates); bounded by the
    /// unfinalized iterations plus ``ConsensusLimits/iterationWindow``. For metrics.
    public var retainedIterationCount: Int { rounds.count }

    /// Votes held across all retained iterations (at most three per guardian per iteration).
    public var retainedVoteCount: Int {
        rounds.values.reduce(0) { $0 + $1.notarizeVotes.count + $1.skipVotes.count + $1.finalizeVotes.count }
    }

    /// Whether `item` is submitted here and waiting to be finalized.
    public func isPending(_ item: [UInt8]) -> Bool { pool.contains(ConsensusItem.hash(of: item)) }

    // MARK: Lifecycle

    private mutating func start() {
        guard !started else { return }
        started = true
        output.append(.setTimer(.retransmit, after: configuration.retransmitInterval))
        if iteration <= finalizedTip.iteration {
            enterIteration(finalizedTip.iteration + 1)
        } else {
            // Resuming an iteration after a restart: its timer starts over, and the votes the
            // checkpoint records are signed and sent again (the same statements, so no
            // equivocation) because the ones sent before the crash may never have arrived.
            armIterationTimer()
            if let hash = notarizeVote { resend(.notarize(hash)) }
            if skipVote { resend(.skip) }
        }
    }

    private mutating func submit(_ item: [UInt8]) {
        let hash = ConsensusItem.hash(of: item)
        let limits = configuration.limits
        if item.count > limits.maxItemBytes {
            output.append(.itemRejected(hash, .tooLarge(bytes: item.count, limit: limits.maxItemBytes)))
        } else if pool.contains(hash) || recentItems.contains(hash) {
            output.append(.itemRejected(hash, .duplicate))
        } else if pool.count >= limits.maxPendingItems {
            output.append(.itemRejected(hash, .poolFull(limit: limits.maxPendingItems)))
        } else {
            pool.insert(item, hash: hash)
            if started { wakeForSubmittedItem() }
        }
    }

    private mutating func timerFired(_ timer: ConsensusTimer) {
        guard started else { return }
        switch timer {
        case .iteration(let timedOut):
            // Simplex: if the timer of iteration h fires while still in h, vote for ⊥_h.
            if timedOut == iteration, !skipVote { castVote(.skip, iteration: iteration) }
        case .idleProposal(let due):
            if due == iteration { idleProposalDue = true }
        case .batchWindow(let due):
            if due == iteration { batchWindowOpen = false }
        case .retransmit:
            retransmit()
        }
    }

    private mutating func resend(_ kind: VoteKind) {
        let vote = signedVote(VoteStatement(kind: kind, iteration: iteration))
        record(vote)
        broadcast(.vote(vote))
    }

    // MARK: Signatures

    /// This guardian's signature on `statement`, bound to the federation and protocol version.
    func signedVote(_ statement: VoteStatement) -> Vote {
        Vote(
            statement: statement,
            signature: PeerSignature(peer: configuration.ownID, signature: signer.sign(digest: statement.signingDigest(in: configuration.domain))))
    }

    /// Whether a peer's vote carries its valid signature in this federation.
    func isValid(_ vote: Vote) -> Bool {
        verifier.isValidSignature(vote.signature.signature, of: vote.statement.signingDigest(in: configuration.domain), by: vote.voter)
    }

    // MARK: Output helpers

    mutating func broadcast(_ message: ConsensusMessage) {
        if configuration.n > 1 { output.append(.broadcast(message)) }
    }

    mutating func send(_ message: ConsensusMessage, to peer: PeerID) {
        output.append(.send(message, to: peer))
    }

    /// Emits the checkpoint if it changed; called before every vote leaves this guardian.
    mutating func persistIfChanged() {
        guard !votes.recordsSameVotes(as: lastPersisted) else { return }
        let current = checkpoint()
        output.append(.persist(current))
        lastPersisted = current
    }
}
