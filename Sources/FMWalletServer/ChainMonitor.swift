import FMBitcoin
import Logging
import Synchronization

/// This guardian's view of its own bitcoin node: the latest tip height and fee rate estimate and the chain facts it
/// votes (polled in the background with timeouts, read when the guardian proposes its votes). Consensus processing
/// never reads the node.
final class ChainMonitor: Sendable {
    struct Snapshot: Sendable {
        var tipHeight: UInt64?
        var feeRate: UInt64?
        var lastError: String?
        /// Peg-outs the node reported as confirmed (not sent again in this run).
        var confirmed: Set<FMBitcoin.Hash256> = []
        /// Peg-outs whose refusal was logged (logged once per run, retried silently).
        var refusalLogged: Set<FMBitcoin.Hash256> = []
        /// The node's hashes of the heights whose hash votes are taken (read on the last poll).
        var hashes: [UInt64: FMBitcoin.Hash256] = [:]
        /// Unconfirmed federation transactions found in agreed final blocks, with the block's height.
        var found: [FMBitcoin.Hash256: UInt64] = [:]
        /// The highest agreed final block read for confirmations in this run.
        var scannedThrough: UInt64?
    }

    let source: (any WalletChainSource)?
    let logger: Logger
    private let state = Mutex(Snapshot())

    init(source: (any WalletChainSource)?, logger: Logger) {
        self.source = source
        self.logger = logger
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    /// Asks the node for its tip and fee estimate once.
    func poll() async {
        guard let source else { return }
        do {
            let tip = try await Self.bounded(Self.readTimeout) { try await source.blockCount() }
            let rate = try? await Self.bounded(Self.readTimeout) { try await source.feeRate() }
            state.withLock {
                $0.tipHeight = tip
                $0.feeRate = rate
                $0.lastError = nil
            }
        } catch {
            state.withLock { $0.lastError = "\(error)" }
        }
    }

    func markConfirmed(_ txid: FMBitcoin.Hash256) { _ = state.withLock { $0.confirmed.insert(txid) } }

    /// True the first time `txid`'s refusal is reported in this run.
    func firstRefusal(_ txid: FMBitcoin.Hash256) -> Bool { state.withLock { $0.refusalLogged.insert(txid).inserted } }

    /// Reads what this guardian votes as chain facts (``ChainFacts``) from its node, outside any database
    /// transaction, each call bounded by ``readTimeout``: the hashes of the heights in `window`, and the final
    /// blocks from `scan` (agreed heights and hashes, ascending) that hold one of `unconfirmed`. A height the node
    /// cannot serve (down, behind, reorged off the agreed block) ends the read; it is tried again on the next poll.
    func readChainFacts(window: ClosedRange<UInt64>?, scan: [(height: UInt64, hash: FMBitcoin.Hash256)], unconfirmed: Set<FMBitcoin.Hash256>) async {
        guard let source else { return }
        var hashes: [UInt64: FMBitcoin.Hash256] = [:]
        for height in window.map(Array.init) ?? [] {
            guard let hash = try? await Self.bounded(Self.readTimeout, { try await source.blockHash(height: height) }) else { break }
            hashes[height] = hash
        }
        var found: [FMBitcoin.Hash256: UInt64] = [:]
        var scanned: UInt64?
        for (height, hash) in scan {
            guard let block = try? await Self.bounded(Self.readTimeout, { try await source.block(hash: hash) }),
                block.hash == hash, block.header.merkleRoot == block.computedMerkleRoot
            else { break }
            for transaction in block.transactions where unconfirmed.contains(transaction.txid) { found[transaction.txid] = height }
            scanned = height
        }
        state.withLock { state in
            state.hashes = hashes
            state.found = state.found.filter { unconfirmed.contains($0.key) }.merging(found) { _, new in new }
            if let scanned { state.scannedThrough = scanned }
        }
    }

    /// How long one read of a chain fact may take before this poll gives up on it.
    static let readTimeout: Duration = .seconds(5)
    /// The most final blocks read per poll to find confirmations.
    static let blocksPerPoll = 32

    /// `body`'s result, or ``ChainMonitorError/timedOut`` after `limit` (the call itself is cancelled and left to
    /// finish: a node that ignores cancellation costs a task, never the caller's time).
    static func bounded<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let work = Task {
                do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
            }
            race.setTimer(Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                race.finish(.failure(ChainMonitorError.timedOut))
                work.cancel()
            })
        }
    }

    /// The first of a call's result and its timeout resumes the caller; the other finds nothing left to resume.
    private final class Race<T: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, timer: Task<Void, Never>?, done: Bool)>((nil, nil, false))

        func start(_ continuation: CheckedContinuation<T, any Error>) { state.withLock { $0.continuation = continuation } }

        func setTimer(_ timer: Task<Void, Never>) {
            let cancel = state.withLock { state in
                state.timer = timer
                return state.done
            }
            if cancel { timer.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, timer) = state.withLock { state in
                state.done = true
                defer { (state.continuation, state.timer) = (nil, nil) }
                return (state.continuation, state.timer)
            }
            timer?.cancel()
            continuation?.resume(with: result)
        }
    }
}

enum ChainMonitorError: Error { case timedOut }
