import FMBitcoin
import FMBitcoinRPC
import FMWalletServer
import Testing

/// A bitcoin node whose `sendrawtransaction` fails with a given Core error; nothing else is used.
private struct RefusingNode: BitcoinRPC {
    let error: BitcoinRPCError

    func sendRawTransaction(_ transaction: Transaction) async throws -> FMBitcoin.Hash256 { throw error }
    func getBlockchainInfo() async throws -> BlockchainInfo { throw error }
    func getBlockCount() async throws -> Int { throw error }
    func getBestBlockHash() async throws -> FMBitcoin.Hash256 { throw error }
    func getBlockHash(height: Int) async throws -> FMBitcoin.Hash256 { throw error }
    func getBlock(hash: FMBitcoin.Hash256) async throws -> Block { throw error }
    func getBlockHeader(hash: FMBitcoin.Hash256) async throws -> BlockHeader { throw error }
    func getRawTransaction(txid: FMBitcoin.Hash256, blockHash: FMBitcoin.Hash256?) async throws -> Transaction { throw error }
    func getTxOutProof(txids: [FMBitcoin.Hash256], blockHash: FMBitcoin.Hash256?) async throws -> MerkleBlock { throw error }
    func estimateSmartFee(confirmationTarget: Int) async throws -> FeeEstimate { throw error }
    func generateToAddress(blocks: Int, address: String) async throws -> [FMBitcoin.Hash256] { throw error }
    func getNewAddress() async throws -> String { throw error }
    func sendToAddress(address: String, amountSats: UInt64) async throws -> FMBitcoin.Hash256 { throw error }
    func getBalance() async throws -> UInt64 { throw error }
    func getRawMempool() async throws -> [FMBitcoin.Hash256] { throw error }
    func submitPackage(transactions: [Transaction]) async throws -> PackageSubmission { throw error }
}

/// A signed peg-out is "confirmed" (never sent again in this run) only on Core's RPC_VERIFY_ALREADY_IN_CHAIN (-27),
/// not on any refusal whose wording contains "already" (issue 24 item 9).
@Suite struct BroadcastResultTests {
    static let transaction = Transaction(inputs: [TxIn(previousOutput: OutPoint(txid: .zero, index: 0))], outputs: [])

    static func broadcast(_ code: BitcoinRPCErrorCode, _ message: String) async throws -> BroadcastResult {
        try await BitcoinRPCChainSource(rpc: RefusingNode(error: .rpc(code: code, message: message))).broadcast(transaction)
    }

    @Test func onlyAlreadyInChainMeansConfirmed() async throws {
        #expect(try await Self.broadcast(.verifyAlreadyInChain, "Transaction outputs already in utxo set") == .confirmed)
        // A conflicting transaction in the mempool (fm-regtest's and Core's wording both say "already").
        let conflict = try await Self.broadcast(.verifyRejected, "txn-mempool-conflict: spends an output already spent in the mempool")
        guard case .rejected = conflict else { Issue.record("a mempool conflict was taken as confirmed: \(conflict)"); return }
        let feeTooLow = try await Self.broadcast(.verifyRejected, "mempool min fee not met, 100 < 500 (already tried)")
        guard case .rejected = feeTooLow else { Issue.record("a fee refusal was taken as confirmed: \(feeTooLow)"); return }
        let missing = try await Self.broadcast(.verifyError, "bad-txns-inputs-missingorspent")
        guard case .rejected = missing else { Issue.record("missing inputs were taken as confirmed: \(missing)"); return }
    }

    /// `submitpackage` (the fee bump's broadcast) is accepted only on Core 28's "success" without per-transaction
    /// errors; a failed package (reported in the reply or thrown) is a refusal to retry, never "confirmed".
    @Test func packageIsAcceptedOnlyOnSuccess() async throws {
        let failed = try PackageSubmission(reply: .object([
            "package_msg": .string("transaction failed"),
            "tx-results": .object([
                "aa": .object(["txid": .string("bb"), "error": .string("mempool min fee not met, 434 < 2160")]),
                "cc": .object(["txid": .string("dd"), "vsize": .integer(150)]),
            ]),
            "replaced-transactions": .array([]),
        ]))
        #expect(!failed.accepted)
        #expect(failed.errors == ["mempool min fee not met, 434 < 2160"])
        #expect(try PackageSubmission(reply: .object(["package_msg": .string("success"), "tx-results": .object([:])])).accepted)
        #expect(throws: BitcoinRPCError.self) { try PackageSubmission(reply: .object(["tx-results": .object([:])])) }
        let source = BitcoinRPCChainSource(rpc: RefusingNode(error: .rpc(code: .verifyAlreadyInChain, message: "already")))
        guard case .rejected = try await source.broadcastPackage([Self.transaction, Self.transaction]) else {
            Issue.record("a refused package was not reported as refused")
            return
        }
    }
}
