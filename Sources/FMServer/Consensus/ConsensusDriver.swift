import FMConsensus
import FMCore
import FMPeerNetwork
import Logging
import NIOConcurrencyHelpers

/// Runs the pure ``ConsensusEngine`` in real time: feeds it received frames, fired timers and submitted items,
/// one event at a time, and performs its actions with the network, a real clock and the ``ConsensusStore``.
///
/// - Important: write-ahead. The `persist` and `finalized` actions of one engine step are committed together, in one
///   transaction, before any other action of the step runs, and the others run in the order the engine returns them,
///   so a message that depends on a vote never leaves before the vote is on disk. A storage failure stops the driver
///   (``run()`` throws): a guardian that cannot remember its votes must not keep voting.
///
/// Events from the network, timers and submitters go through one bounded mailbox served round-robin, so no source
/// can starve the others and nothing buffers without bound. Restarting is just running a new driver on the same
/// store: the engine resumes from the stored checkpoint and chain tail and catches up from its peers by itself.
///
/// Items are not persisted by the driver: after a crash, submitters re-submit what they have not seen finalized
/// (re-submitting a pending or finalized item is harmless).
public final class ConsensusDriver: Sendable {
    public let configuration: ConsensusConfiguration
    let signer: any ConsensusSigner
    let verifier: any ConsensusVerifier
    let transport: any ConsensusTransport
    let store: ConsensusStore
    let clock: any Clock<Duration>
    let logger: Logger
    let mailbox: FairMailbox<EventSource, Event>
    let state = NIOLockedValueBox(SharedState())

    /// How many of the last finalized blocks are handed to the engine on restart (its duplicate-item memory).
    static let restoredTailBlocks = 256

    public init(
        configuration: ConsensusConfiguration, signer: any ConsensusSigner, verifier: any ConsensusVerifier,
        transport: any ConsensusTransport, store: ConsensusStore, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "fm.consensus")
    ) {
        self.configuration = configuration
        self.signer = signer
        self.verifier = verifier
        self.transport = transport
        self.store = store
        self.clock = clock
        var logger = logger
        logger[metadataKey: "peer"] = "\(configuration.ownID.rawValue)"
        self.logger = logger
        mailbox = FairMailbox(
            sources: EventSource.allCases, maxElements: 256, maxBytes: max(transport.maxFrameSize, 16 << 20))
    }

    // MARK: - Public entry points

    /// Asks the federation to order `item`. Returns once this guardian's engine holds it as pending.
    ///
    /// Throws ``ConsensusSubmitError/rejected(_:)`` if the engine refused it (too large, pool full, already
    /// pending or recently finalized) and ``ConsensusSubmitError/notRunning`` if the driver is not running.
    public func submit(item: [UInt8]) async throws(ConsensusSubmitError) {
        let reply = SubmitReply()
        guard await mailbox.deliver(.submit(item, reply), from: .submissions, bytes: item.count) else {
            throw .notRunning
        }
        try await reply.outcome().get()
    }

    /// From now on (and from the start, if not running yet) this guardian neither proposes nor votes for a block
    /// above `height`: a scheduled shutdown (``ConsensusEngine/orderingLimit``).
    public func limitOrdering(toHeight height: UInt64) async {
        state.withLockedValue { $0.orderingLimit = height }
        _ = await mailbox.deliver(.limitOrdering(height), from: .submissions)
    }

    /// Stops a running driver: ``run()`` returns after the event being handled is complete.
    public func shutdown() {
        mailbox.finish()
    }

    /// Finalized blocks from `height` on, ascending and without gaps: the stored ones first, then each new one as
    /// it is finalized. Ends when the driver stops; throws if the store cannot be read.
    ///
    /// Each stream reads from the store at its own pace, so a slow consumer holds no memory in the driver.
    public func finalizedBlocks(from height: UInt64 = 0) -> AsyncThrowingStream<FinalizedBlock, any Error> {
        let cursor = FinalizedCursor(next: height, store: store, updates: subscribeToFinalizedCount())
        return AsyncThrowingStream(unfolding: { try await cursor.nextBlock() })
    }

    /// Counters for monitoring and tests.
    public var status: ConsensusDriverStatus { state.withLockedValue { $0.status } }
}

/// Why ``ConsensusDriver/submit(item:)`` did not accept an item.
public enum ConsensusSubmitError: Error, Equatable, CustomStringConvertible {
    case rejected(ItemRejection)
    case notRunning

    public var description: String {
        switch self {
        case .rejected(let why): "consensus refused the item: \(why)"
        case .notRunning: "the consensus driver is not running"
        }
    }
}

/// A snapshot of the driver's progress.
public struct ConsensusDriverStatus: Sendable, Hashable {
    /// Blocks finalized and stored.
    public var finalizedCount: UInt64 = 0
    /// The engine's current Simplex iteration.
    public var iteration: UInt64 = 0
    /// Items submitted here and not yet finalized.
    public var pendingItems = 0
    /// Peer messages the engine refused (garbage, bad signatures, equivocation, ...): a sign of a faulty peer.
    public var rejectedMessages: UInt64 = 0
    /// ``rejectedMessages`` by sender and kind (``PeerFaults/reason(_:)``): names the guardian that lies or is broken.
    public var rejectedByPeer: [PeerID: [String: UInt64]] = [:]
    /// Votes and proposals for iterations this guardian had already left: normal whenever a peer is a step
    /// behind, so they are counted apart from ``rejectedMessages``.
    public var staleMessages: UInt64 = 0
    /// The finalized count each peer last announced.
    public var peerFinalizedCounts: [PeerID: UInt64] = [:]
    /// Whether ``ConsensusDriver/run()`` is processing events.
    public var isRunning = false
}
