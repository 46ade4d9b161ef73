import FMBitcoin
import Foundation
import Logging
import Synchronization

/// This guardian's view of its own bitcoin node: the latest tip height and fee rate estimate (polled in the
/// background, read when the guardian proposes its votes) and blocking look-ups of block hashes for consensus
/// processing.
final class ChainMonitor: Sendable {
    struct Snapshot: Sendable {
        var tipHeight: UInt64?
        var feeRate: UInt64?
        var lastError: String?
        /// Peg-outs the node reported as confirmed (not sent again in this run).
        var confirmed: Set<FMBitcoin.Hash256> = []
        /// Peg-outs whose refusal was logged (logged once per run, retried silently).
        var refusalLogged: Set<FMBitcoin.Hash256> = []
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
            let tip = try await source.blockCount()
            let rate = try? await source.feeRate()
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

    /// The hash of the block at `height` on this guardian's node, waiting (and retrying) for as long as it takes.
    ///
    /// - Important: called while a consensus block is applied. Every guardian must reach the same verdicts, so a
    ///   guardian whose node is behind (or down) waits here rather than apply the block with a different view; it
    ///   catches up once its node does. A guardian without a configured node waits until one is configured
    ///   (the federation's consensus height only rises when guardians with nodes vote).
    func blockHashWaiting(height: UInt64) -> FMBitcoin.Hash256 {
        waiting(for: "block \(height)") { source in try await source.blockHash(height: height) }
    }

    /// The block `hash` (a final block) from this guardian's node, waiting as ``blockHashWaiting(height:)`` does.
    /// A reply that is not that block (another hash, transactions that do not match the merkle root) is retried.
    func blockWaiting(hash: FMBitcoin.Hash256) -> FMBitcoin.Block {
        waiting(for: "block \(hash.displayHex)") { source in
            let block = try await source.block(hash: hash)
            guard block.hash == hash, block.header.merkleRoot == block.computedMerkleRoot else {
                throw ChainMonitorError.wrongBlock(hash.displayHex)
            }
            return block
        }
    }

    private func waiting<T: Sendable>(for what: String, _ body: @escaping @Sendable (any WalletChainSource) async throws -> T) -> T {
        var attempt = 0
        while true {
            if let source {
                let result = Blocking.run { try await body(source) }
                if case .success(let value) = result { return value }
                if attempt % 20 == 0 {
                    logger.warning("waiting for this guardian's bitcoin node to serve \(what) the federation agreed on: \(result)")
                }
            } else if attempt % 60 == 0 {
                logger.error("the federation's consensus block height needs \(what) but no bitcoin node is configured; waiting")
            }
            attempt += 1
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
}

enum ChainMonitorError: Error { case wrongBlock(String) }

/// Runs async work from a synchronous context that is not on the concurrency thread pool (the database writer).
enum Blocking {
    private final class Box<T>: @unchecked Sendable {
        // Written before the semaphore is signalled, read after it is waited on.
        var result: Result<T, any Error>?
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return box.result!
    }
}
