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

    public func blockCount() async throws -> UInt64 {
        let count = try await rpc.getBlockCount()
        guard let height = UInt64(exactly: count) else {
            throw BitcoinRPCError.malformedReply(method: "getblockcount", reason: "negative height \(count)")
        }
        return height
    }

    public func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256 {
        guard let height = Int(exactly: height) else {
            throw BitcoinRPCError.rpc(code: .invalidParameter, message: "block height \(height) out of range")
        }
        return try await rpc.getBlockHash(height: height)
    }

    public func block(hash: FMBitcoin.Hash256) async throws -> FMBitcoin.Block {
        try await rpc.getBlock(hash: hash)
    }

    public func feeRate() async throws -> UInt64? {
        try await rpc.estimateSmartFee(confirmationTarget: confirmationTarget).satsPerKvB
    }

    /// `sendrawtransaction`. Only Core's `RPC_VERIFY_ALREADY_IN_CHAIN` (-27: the outputs are in the UTXO set) means
    /// confirmed; every other refusal (a mempool conflict, missing inputs, a fee too low, whatever its wording) is
    /// reported and the transaction sent again later.
    public func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult {
        do {
            _ = try await rpc.sendRawTransaction(transaction)
            return .accepted
        } catch BitcoinRPCError.rpc(let code, let message) {
            if code == .verifyAlreadyInChain { return .confirmed }
            return .rejected("\(code): \(message)")
        }
    }

    /// `submitpackage`: accepted only on Core's "success"; any refusal (thrown or reported in the reply) is
    /// reported and the package sent again later. Confirmation is not read from it: the federation learns it from
    /// the final blocks.
    public func broadcastPackage(_ transactions: [FMBitcoin.Transaction]) async throws -> BroadcastResult {
        do {
            let result = try await rpc.submitPackage(transactions: transactions)
            return result.accepted ? .accepted : .rejected(([result.message] + result.errors).joined(separator: "; "))
        } catch BitcoinRPCError.rpc(let code, let message) {
            return .rejected("\(code): \(message)")
        }
    }
}
