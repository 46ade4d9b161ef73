import FMBitcoin

/// What the wallet needs from a bitcoin node. fm-node backs it with the Bitcoin Core JSON-RPC client
/// (``BitcoinRPCChainSource``); nothing in the wallet knows whether the other side is bitcoind or fm-regtest.
public protocol WalletChainSource: Sendable {
    /// The height of the node's best block.
    func blockCount() async throws -> UInt64
    /// The hash of the best chain's block at `height`.
    func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256
    /// The block with `hash` (read when it becomes final, to see which federation transactions it confirms).
    func block(hash: FMBitcoin.Hash256) async throws -> FMBitcoin.Block
    /// The node's fee rate estimate in sat/kvB, or `nil` when it has none (regtest, a fresh node).
    func feeRate() async throws -> UInt64?
    /// Hands a fully signed transaction to the node's mempool.
    func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult
    /// Hands a child with its unconfirmed parents (last: the child) to the node as one package (`submitpackage`),
    /// so the child's fee counts for a parent below the mempool minimum.
    func broadcastPackage(_ transactions: [FMBitcoin.Transaction]) async throws -> BroadcastResult
}

/// What became of a broadcast.
public enum BroadcastResult: Sendable, Equatable {
    /// In the node's mempool (now or already).
    case accepted
    /// Already confirmed: no need to send it again.
    case confirmed
    /// Refused, with the node's reason.
    case rejected(String)
}
