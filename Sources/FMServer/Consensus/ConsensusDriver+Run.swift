import FMConsensus
import FMCore
import FMPeerNetwork
import Logging
import NIOConcurrencyHelpers

extension ConsensusDriver {
    /// Where an event came from; the mailbox serves these in turn.
    enum EventSource: Int, CaseIterable, Comparable, Sendable {
        case network, timers, submissions
        static func < (a: EventSource, b: EventSource) -> Bool { a.rawValue < b.rawValue }
    }

    enum Event: Sendable {
        case received(PeerID, [UInt8])
        /// A timer elapsed; `generation` tells a current arming from one that was re-armed or cancelled since.
        case timerFired(ConsensusTimer, generation: UInt64)
        case submit([UInt8], SubmitReply)
        /// Stop proposing and voting above this height (``ConsensusDriver/limitOrdering(toHeight:)``).
        case limitOrdering(UInt64)
    }

    struct SharedState {
        var status = ConsensusDriverStatus()
        var started = false
        /// Set once ``run()`` has ended; subscribers arriving later get the stored blocks only.
        var stopped = false
        var subscribers: [UInt64: AsyncStream<UInt64>.Continuation] = [:]
        var nextSubscriberID: UInt64 = 0
        /// Read by ``run()`` when it builds the engine, so a limit set before the start holds from the first vote.
        var orderingLimit: UInt64?
    }

    /// Restores the engine from the store and processes events until ``shutdown()`` or cancellation.
    ///
    /// Does not run the transport: run the ``PeerNetwork`` next to it (e.g. in the same task group).
    /// Throws if the store fails; the driver then stops without performing further actions.
    public func run() async throws {
        let alreadyStarted = state.withLockedValue { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw ConsensusDriverError.alreadyStarted }
        defer { stopped() }

        let checkpoint = try await store.checkpoint()
        let tail = try await store.tail(count: Self.restoredTailBlocks)
        var engine = ConsensusEngine(
            configuration: configuration, signer: signer, verifier: verifier, restoring: checkpoint,
            finalizedTail: tail)
        engine.orderingLimit = state.withLockedValue { $0.orderingLimit }
        let finalizedCount = try await store.finalizedCount()
        state.withLockedValue {
            $0.status.isRunning = true
            $0.status.finalizedCount = finalizedCount
        }
        logger.info(
            "consensus resuming", metadata: ["finalized": "\(finalizedCount)", "iteration": "\(engine.iteration)"])

        var timers = Timers()
        defer { timers.cancelAll() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.forwardReceivedFrames() }
            defer { group.cancelAll() }
            try await perform(engine.handle(.start), engine: &engine, timers: &timers, submission: nil)
            while let (_, event) = await mailbox.next() {
                switch event {
                case .received(let peer, let bytes):
                    try await perform(
                        engine.handle(.received(from: peer, bytes: bytes)), engine: &engine, timers: &timers,
                        submission: nil)
                case .timerFired(let timer, let generation):
                    guard timers.fired(timer, generation: generation) else { continue }
                    try await perform(engine.handle(.timerFired(timer)), engine: &engine, timers: &timers, submission: nil)
                case .limitOrdering(let height):
                    engine.orderingLimit = height
                case .submit(let item, let reply):
                    try await perform(
                        engine.handle(.submit(item: item)), engine: &engine, timers: &timers,
                        submission: (ConsensusItem.hash(of: item), reply))
                }
            }
        }
    }

    private func forwardReceivedFrames() async {
        for await (peer, bytes) in transport.received {
            guard await mailbox.deliver(.received(peer, bytes), from: .network, bytes: bytes.count) else { return }
        }
    }

    private func stopped() {
        // Settle what is left: submitters must not wait forever.
        for (_, event) in mailbox.drain() {
            if case .submit(_, let reply) = event { reply.resume(.failure(.notRunning)) }
        }
        let subscribers = state.withLockedValue { state in
            state.status.isRunning = false
            state.stopped = true
            defer { state.subscribers = [:] }
            return state.subscribers.values
        }
        for subscriber in subscribers { subscriber.finish() }
        logger.info("consensus stopped")
    }

    // MARK: - Performing actions

    /// Performs `actions`: first their storage actions, all in one transaction (the last checkpoint, since each
    /// replaces the one before, and every finalized block in order), then the others in order. Storing a step's state
    /// before any of its messages leaves is what the engine needs (a vote leaves only once the checkpoint recording it
    /// is durable), and one commit instead of one per record takes fsyncs off the consensus critical path (a crash
    /// after the commit and before the sends is the crash between a store and a send the engine already recovers from:
    /// it retransmits its votes).
    private func perform(
        _ actions: [ConsensusAction], engine: inout ConsensusEngine, timers: inout Timers,
        submission: (hash: Hash256, reply: SubmitReply)?
    ) async throws {
        var checkpoint: ConsensusCheckpoint?
        var blocks: [FinalizedBlock] = []
        for action in actions {
            switch action {
            case .persist(let latest): checkpoint = latest
            case .finalized(let block): blocks.append(block)
            default: break
            }
        }
        // A submission is answered once the engine has taken it into its pool (memory, never stored) or refused it,
        // before the step's commit: a leader that proposes it at once would otherwise hold its submitter for the fsync.
        if let submission {
            var refusal: ItemRejection?
            for case .itemRejected(let hash, let why) in actions where hash == submission.hash { refusal = why }
            submission.reply.resume(refusal.map { .failure(.rejected($0)) } ?? .success(()))
        }
        try await store.commit(checkpoint: checkpoint, blocks: blocks)
        for action in actions {
            switch action {
            case .persist:
                break
            case .finalized(let block):
                publishFinalized(count: block.header.height + 1)
            case .send(let message, let peer):
                transmit(message, to: peer)
            case .broadcast(let message):
                transmit(message, to: nil)
            case .setTimer(let timer, let delay):
                timers.arm(timer, after: delay, clock: clock, mailbox: mailbox)
            case .cancelTimer(let timer):
                timers.cancel(timer)
            case .serveBlocks(let peer, let height, let maxCount):
                try await serveBlocks(to: peer, from: height, maxCount: maxCount)
            case .rejected(_, .outsideWindow(let iteration)) where iteration < engine.iteration:
                state.withLockedValue { $0.status.staleMessages += 1 }
            case .rejected(let peer, let why):
                let first = state.withLockedValue { state in
                    state.status.rejectedMessages += 1
                    return PeerFaults.record(why, from: peer, in: &state.status.rejectedByPeer)
                }
                logger.log(
                    level: first ? .warning : .debug, "refused a consensus message from guardian \(peer.rawValue): \(why)",
                    metadata: ["from": "\(peer.rawValue)", "reason": "\(PeerFaults.reason(why))"])
            case .itemRejected:
                break  // answered to its submitter above
            }
        }
        let iteration = engine.iteration
        let pending = engine.pendingItemCount
        let peerCounts = engine.peerFinalizedCounts
        state.withLockedValue {
            $0.status.iteration = iteration
            $0.status.pendingItems = pending
            $0.status.peerFinalizedCounts = peerCounts
        }
    }

    private func transmit(_ message: ConsensusMessage, to peer: PeerID?) {
        transmit(message.encoded, to: peer)
    }

    private func transmit(_ bytes: [UInt8], to peer: PeerID?) {
        do {
            if let peer { try transport.send(bytes, to: peer) } else { try transport.broadcast(bytes) }
        } catch {
            logger.error("cannot send a consensus message", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a catch-up request with as many stored blocks as fit in one frame, sent as stored (the engine asks
    /// at most once per retransmission period per peer, so this is one bounded read per peer and period).
    private func serveBlocks(to peer: PeerID, from height: UInt64, maxCount: Int) async throws {
        let budget = transport.maxFrameSize - ConsensusMessage.blockResponseOverhead
        let blocks = try await store.encodedBlocks(from: height, maxCount: maxCount, maxBytes: budget)
        guard !blocks.isEmpty else {
            logger.error("a finalized block is larger than the peer frame limit", metadata: ["height": "\(height)"])
            return
        }
        transmit(ConsensusMessage.blockResponseBytes(encodedBlocks: blocks), to: peer)
    }

    // MARK: - Finalized block subscribers

    private func publishFinalized(count: UInt64) {
        let subscribers = state.withLockedValue { state in
            state.status.finalizedCount = count
            return state.subscribers.values
        }
        for subscriber in subscribers { subscriber.yield(count) }
    }

    /// A stream of finalized counts that holds only the newest value, starting with the current one.
    func subscribeToFinalizedCount() -> AsyncStream<UInt64> {
        let (stream, continuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let (id, count, stopped) = state.withLockedValue { state in
            state.nextSubscriberID += 1
            if !state.stopped { state.subscribers[state.nextSubscriberID] = continuation }
            return (state.nextSubscriberID, state.status.finalizedCount, state.stopped)
        }
        continuation.yield(count)
        if stopped { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// Why ``ConsensusDriver/run()`` refused to start.
public enum ConsensusDriverError: Error, Equatable, CustomStringConvertible {
    /// A driver runs once; restart by building a new one on the same store.
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted: "this consensus driver already ran; build a new one on the same store to restart"
        }
    }
}

/// The one-shot answer to a submission.
final class SubmitReply: Sendable {
    private let state = NIOLockedValueBox<
        (result: Result<Void, ConsensusSubmitError>?, waiter: CheckedContinuation<Result<Void, ConsensusSubmitError>, Never>?)
    >((nil, nil))

    /// Sets the outcome; later calls are ignored.
    func resume(_ result: Result<Void, ConsensusSubmitError>) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Result<Void, ConsensusSubmitError>, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: result)
    }

    /// Waits for the outcome.
    func outcome() async -> Result<Void, ConsensusSubmitError> {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state in
                if state.result == nil { state.waiter = continuation }
                return state.result
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// The engine's armed timers, each a sleeping task that posts to the mailbox when it elapses.
struct Timers {
    private var armed: [ConsensusTimer: (generation: UInt64, task: Task<Void, Never>)] = [:]
    private var nextGeneration: UInt64 = 0

    mutating func arm(
        _ timer: ConsensusTimer, after delay: Duration, clock: any Clock<Duration>,
        mailbox: FairMailbox<ConsensusDriver.EventSource, ConsensusDriver.Event>
    ) {
        cancel(timer)
        nextGeneration += 1
        let generation = nextGeneration
        let task = Task {
            do {
                try await clock.sleep(for: delay)
            } catch {
                return  // cancelled
            }
            _ = await mailbox.deliver(.timerFired(timer, generation: generation), from: .timers)
        }
        armed[timer] = (generation, task)
    }

    mutating func cancel(_ timer: ConsensusTimer) {
        armed.removeValue(forKey: timer)?.task.cancel()
    }

    /// Whether a fire event is for the current arming of `timer` (and disarms it if so).
    mutating func fired(_ timer: ConsensusTimer, generation: UInt64) -> Bool {
        guard armed[timer]?.generation == generation else { return false }
        armed[timer] = nil
        return true
    }

    mutating func cancelAll() {
        for (_, entry) in armed { entry.task.cancel() }
        armed = [:]
    }
}

/// Reads finalized blocks for one subscriber: from the store, waiting for new counts when caught up.
actor FinalizedCursor {
    private var next: UInt64
    private var known: UInt64?
    private var buffer: [FinalizedBlock] = []
    private let store: ConsensusStore
    private var updates: AsyncStream<UInt64>.AsyncIterator

    init(next: UInt64, store: ConsensusStore, updates: AsyncStream<UInt64>) {
        self.next = next
        self.store = store
        self.updates = updates.makeAsyncIterator()
    }

    func nextBlock() async throws -> FinalizedBlock? {
        if known == nil { known = try await store.finalizedCount() }
        while buffer.isEmpty {
            if next < known! {
                buffer = try await store.blocks(from: next, maxCount: 64)
                if buffer.isEmpty { known = next }
                continue
            }
            var iterator = updates
            let update = await iterator.next(isolation: self)
            updates = iterator
            guard let update else { return nil }
            known = max(known!, update)
        }
        next += 1
        return buffer.removeFirst()
    }
}
