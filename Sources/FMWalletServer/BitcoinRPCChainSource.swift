import FMBitcoin
import FMBitcoinRPC

/// The wallet's view of a bitcoin node through the Bitcoin Core JSON-RPC subset (bitcoind or fm-regtest).
public struct BitcoinRPCChainSource: WalletChainSource {
    public let rpc: any BitcoinRPC
    /// The confirmation target asked of `estimatesmartfee`.
    public let confirmationTarget: Int

    public init(rpc: any BitcoinRPC, confirmationTarget: Int = 6) {
        self.rpc = rpc
        self.confirmationTarget = confirmationTarget
    }

    public func blockCount() async throws -> UInt64 { UInt64(try await rpc.getBlockCount()) }

    public func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256 { try await rpc.getBlockHash(height: Int(height)) }

    public func feeRate() async throws -> UInt64? {
        try await rpc.estimateSmartFee(confirmationTarget: confirmationTarget).satsPerKvB
    }

    /// `sendrawtransaction`; "already in chain" (-27) means confirmed; other refusals are reported, not thrown.
    public func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult {
        do {
            _ = try await rpc.sendRawTransaction(transaction)
            return .accepted
        } catch BitcoinRPCError.rpc(let code, let message) {
            if code == .verifyAlreadyInChain { return .confirmed }
            // Core ≥ 0.21 reports a confirmed transaction's outputs as already in the UTXO set (-27 too), and one
            // whose outputs were spent since as missing inputs: both mean it is in the chain.
            if message.contains("already") { return .confirmed }
            return .rejected("\(code): \(message)")
        }
    }
}
