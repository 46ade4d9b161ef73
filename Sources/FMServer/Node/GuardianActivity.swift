import CoreMetrics
import FMCore
import Foundation
import NIOConcurrencyHelpers

/// What this guardian did lately, timed: every applied block (when, how long after the previous one, how many
/// transactions it accepted) and, for transactions submitted through this guardian's API, how long from the
/// submission to the block that accepted them. The dashboard draws its latency and throughput graphs from
/// ``recentBlocks``; the same figures go to `/metrics` as `fm_block_interval_seconds`,
/// `fm_transaction_latency_seconds` (summaries) and `fm_transactions_accepted_total`.
///
/// Bounded: the last ``capacity`` blocks, and at most ``maxPending`` submissions waiting for their block (a
/// submission older than ``pendingHorizon`` is forgotten: it was rejected, or accepted through another guardian's
/// block while this one was catching up).
public final class GuardianActivity: Sendable {
    public struct AppliedBlock: Sendable, Hashable {
        public var height: UInt64
        public var appliedAt: Date
        /// Since the previous block this guardian applied (nil for the first after start).
        public var interval: Duration?
        public var acceptedTransactions: UInt64
        /// Submit-to-applied times of this block's transactions that were submitted through this guardian.
        public var latencies: [Duration]

        public init(height: UInt64, appliedAt: Date, interval: Duration?, acceptedTransactions: UInt64, latencies: [Duration]) {
            self.height = height
            self.appliedAt = appliedAt
            self.interval = interval
            self.acceptedTransactions = acceptedTransactions
            self.latencies = latencies
        }
    }

    public static let capacity = 1024
    static let maxPending = 10_000
    static let pendingHorizon = Duration.seconds(600)

    private struct State {
        var blocks: [AppliedBlock] = []
        var lastApplied: ContinuousClock.Instant?
        var pending: [TransactionID: ContinuousClock.Instant] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// `txid` passed the pre-check and went to consensus now.
    func submitted(_ txid: TransactionID) {
        let now = ContinuousClock.now
        state.withLockedValue { state in
            guard state.pending[txid] == nil else { return }
            if state.pending.count >= Self.maxPending {
                state.pending = state.pending.filter { now - $0.value < Self.pendingHorizon }
                guard state.pending.count < Self.maxPending else { return }
            }
            state.pending[txid] = now
        }
    }

    /// `outcome`'s block was applied now.
    func applied(_ outcome: BlockOutcome) {
        let now = ContinuousClock.now
        let accepted = outcome.transactions.filter { $0.recorded && $0.outcome.isAccepted }
        let block = state.withLockedValue { state in
            let latencies = accepted.compactMap { transaction in state.pending.removeValue(forKey: transaction.txid).map { now - $0 } }
            let block = AppliedBlock(
                height: outcome.height, appliedAt: Date(), interval: state.lastApplied.map { now - $0 },
                acceptedTransactions: UInt64(accepted.count), latencies: latencies)
            state.lastApplied = now
            state.blocks.append(block)
            if state.blocks.count > Self.capacity { state.blocks.removeFirst(state.blocks.count - Self.capacity) }
            return block
        }
        if let interval = block.interval { CoreMetrics.Timer(label: "fm_block_interval_seconds").recordInterval(interval) }
        for latency in block.latencies { CoreMetrics.Timer(label: "fm_transaction_latency_seconds").recordInterval(latency) }
        if block.acceptedTransactions > 0 {
            Counter(label: "fm_transactions_accepted_total").increment(by: Int(block.acceptedTransactions))
        }
    }

    /// The applied blocks still kept, oldest first.
    public var recentBlocks: [AppliedBlock] { state.withLockedValue { $0.blocks } }
}

extension CoreMetrics.Timer {
    fileprivate func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
    }
}
