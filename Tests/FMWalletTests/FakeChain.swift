import FMBitcoin
import FMWalletServer
import Synchronization

/// An in-memory bitcoin chain for unit tests: blocks are appended by the test; broadcasts are script-checked with
/// FMBitcoin's segwit verifier against the outputs they spend (the end-to-end test uses fm-regtest instead).
final class FakeChain: WalletChainSource {
    struct State {
        var blocks: [Block] = []
        var broadcasts: [FMBitcoin.Transaction] = []
        var outputs: [FMBitcoin.OutPoint: TxOut] = [:]
        /// Packages handed to `broadcastPackage` (child last).
        var packages: [[FMBitcoin.Transaction]] = []
        /// What `feeRate()` answers (sat/kvB).
        var feeRate: UInt64?
    }

    let state = Mutex(State())

    init(height: Int) {
        for _ in 0...height { mine([]) }
    }

    /// Appends a block holding `transactions` (after a dummy coinbase) and returns it.
    @discardableResult
    func mine(_ transactions: [FMBitcoin.Transaction]) -> Block {
        state.withLock { state in
            let height = state.blocks.count
            let coinbase = FMBitcoin.Transaction(
                inputs: [TxIn(previousOutput: .null, scriptSig: Script.coinbaseHeight(Int64(height)), sequence: 0xffff_ffff)],
                outputs: [TxOut(value: 0, scriptPubKey: Script([0x6a]))])
            var block = Block(
                header: BlockHeader(
                    version: 4, previousBlockHash: state.blocks.last?.hash ?? .zero, merkleRoot: .zero, time: UInt32(height),
                    bits: 0x207f_ffff, nonce: 0),
                transactions: [coinbase] + transactions)
            block.header.merkleRoot = block.computedMerkleRoot
            for transaction in block.transactions {
                for (index, output) in transaction.outputs.enumerated() {
                    state.outputs[FMBitcoin.OutPoint(txid: transaction.txid, index: UInt32(index))] = output
                }
            }
            state.blocks.append(block)
            return block
        }
    }

    var tip: UInt64 { state.withLock { UInt64($0.blocks.count - 1) } }
    var broadcasts: [FMBitcoin.Transaction] { state.withLock { $0.broadcasts } }

    func blockCount() async throws -> UInt64 { tip }

    func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256 {
        try state.withLock { state in
            guard height < state.blocks.count else { throw FakeChainError.noBlock(height) }
            return state.blocks[Int(height)].hash
        }
    }

    var packages: [[FMBitcoin.Transaction]] { state.withLock { $0.packages } }

    func setFeeRate(_ rate: UInt64?) { state.withLock { $0.feeRate = rate } }

    func block(hash: FMBitcoin.Hash256) async throws -> FMBitcoin.Block {
        try state.withLock { state in
            guard let block = state.blocks.first(where: { $0.hash == hash }) else { throw FakeChainError.noBlockHash(hash) }
            return block
        }
    }

    func feeRate() async throws -> UInt64? { state.withLock { $0.feeRate } }

    func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult {
        state.withLock { state in
            if let refusal = Self.check(transaction, spending: state.outputs) { return .rejected(refusal) }
            state.broadcasts.append(transaction)
            return .accepted
        }
    }

    /// Checks every transaction's scripts against mined outputs and the package's earlier transactions' outputs.
    func broadcastPackage(_ transactions: [FMBitcoin.Transaction]) async throws -> BroadcastResult {
        state.withLock { state in
            var outputs = state.outputs
            for transaction in transactions {
                if let refusal = Self.check(transaction, spending: outputs) { return .rejected(refusal) }
                for (index, output) in transaction.outputs.enumerated() {
                    outputs[FMBitcoin.OutPoint(txid: transaction.txid, index: UInt32(index))] = output
                }
            }
            state.packages.append(transactions)
            return .accepted
        }
    }

    private static func check(_ transaction: FMBitcoin.Transaction, spending outputs: [FMBitcoin.OutPoint: TxOut]) -> String? {
        for index in transaction.inputs.indices {
            guard let spent = outputs[transaction.inputs[index].previousOutput] else { return "missing input" }
            do { try transaction.verifySegwitInput(index, spending: spent) } catch { return "\(error)" }
        }
        return nil
    }
}

enum FakeChainError: Error {
    case noBlock(UInt64)
    case noBlockHash(FMBitcoin.Hash256)
}
