import FMBitcoin

/// The bitcoin backend as the federation sees it: the subset of Bitcoin Core's JSON-RPC that
/// the wallet module and the tests use, with typed results. Implemented by
/// ``BitcoinCoreRPCClient`` (bitcoind or fm-regtest over HTTP); nothing that holds a
/// `BitcoinRPC` knows what is on the other side.
///
/// Every method throws ``BitcoinRPCError``. Amounts are integer satoshis.
public protocol BitcoinRPC: Sendable {
    /// `getblockchaininfo`.
    func getBlockchainInfo() async throws -> BlockchainInfo
    /// `getblockcount`: the height of the best chain's tip.
    func getBlockCount() async throws -> Int
    /// `getbestblockhash`.
    func getBestBlockHash() async throws -> FMBitcoin.Hash256
    /// `getblockhash height`; `.rpc(.invalidParameter, "Block height out of range")` above the tip.
    func getBlockHash(height: Int) async throws -> FMBitcoin.Hash256
    /// `getblock hash 0`, decoded.
    func getBlock(hash: FMBitcoin.Hash256) async throws -> Block
    /// `getblockheader hash false`, decoded.
    func getBlockHeader(hash: FMBitcoin.Hash256) async throws -> BlockHeader
    /// `getrawtransaction txid false [blockhash]`, decoded. Without a block hash bitcoind finds
    /// only mempool transactions (or any, with `-txindex`); fm-regtest always finds confirmed ones.
    func getRawTransaction(txid: FMBitcoin.Hash256, blockHash: FMBitcoin.Hash256?) async throws -> Transaction
    /// `gettxoutproof [txids] [blockhash]`: Bitcoin Core's merkle-block proof, decoded.
    func getTxOutProof(txids: [FMBitcoin.Hash256], blockHash: FMBitcoin.Hash256?) async throws -> MerkleBlock
    /// `sendrawtransaction hex`: the txid on acceptance; `.rpc(.verifyRejected, reason)`,
    /// `.rpc(.verifyError, ...)`, `.rpc(.verifyAlreadyInChain, ...)` or `.rpc(.deserializationError, ...)` otherwise.
    func sendRawTransaction(_ transaction: Transaction) async throws -> FMBitcoin.Hash256
    /// `estimatesmartfee target`.
    func estimateSmartFee(confirmationTarget: Int) async throws -> FeeEstimate
    /// `submitpackage [rawtx,...]` (Bitcoin Core 28+): a child with its unconfirmed parents, last; the package's fee
    /// rate counts against the mempool minimum (package CPFP). A refused package is `.rpc(...)` or a reply whose
    /// ``PackageSubmission/message`` is not "success", as Core 28 answers depending on the failure.
    func submitPackage(transactions: [Transaction]) async throws -> PackageSubmission

    // MARK: Regtest and wallet helpers (tests, scripts, the demo)

    /// `generatetoaddress blocks address`: the new blocks' hashes.
    func generateToAddress(blocks: Int, address: String) async throws -> [FMBitcoin.Hash256]
    /// `getnewaddress`: a fresh P2WPKH (bech32) address of the node's wallet.
    func getNewAddress() async throws -> String
    /// `sendtoaddress address amount`: pays from the node's wallet, returns the txid.
    func sendToAddress(address: String, amountSats: UInt64) async throws -> FMBitcoin.Hash256
    /// `getbalance`: the wallet's trusted balance in satoshis (confirmed, mature coins plus its own
    /// unconfirmed change, as bitcoind counts it).
    func getBalance() async throws -> UInt64
    /// `getrawmempool`: txids in the mempool.
    func getRawMempool() async throws -> [FMBitcoin.Hash256]
}

/// What `getblockchaininfo` reports (the fields the federation uses).
public struct BlockchainInfo: Sendable, Hashable, Codable {
    /// "main", "test", "testnet4", "signet" or "regtest", as Bitcoin Core names chains.
    public var chain: String
    public var blocks: Int
    public var headers: Int
    public var bestBlockHash: FMBitcoin.Hash256
    /// Median time past of the tip.
    public var medianTime: Int
    public var initialBlockDownload: Bool
    /// Total work as 64 hex digits.
    public var chainWork: String

    public init(
        chain: String, blocks: Int, headers: Int, bestBlockHash: FMBitcoin.Hash256, medianTime: Int,
        initialBlockDownload: Bool, chainWork: String
    ) {
        self.chain = chain
        self.blocks = blocks
        self.headers = headers
        self.bestBlockHash = bestBlockHash
        self.medianTime = medianTime
        self.initialBlockDownload = initialBlockDownload
        self.chainWork = chainWork
    }

    /// The network of this chain, or `nil` for a chain name fm does not know.
    public var network: Network? {
        switch chain {
        case "main": return .mainnet
        case "test", "testnet4": return .testnet
        case "signet": return .signet
        case "regtest": return .regtest
        default: return nil
        }
    }
}

/// What `submitpackage` reports (Core 28: `package_msg`, and the `error` of each entry of `tx-results`).
public struct PackageSubmission: Sendable, Hashable {
    /// "success", or why the package was refused.
    public var message: String
    /// The per-transaction errors, when a transaction of the package failed.
    public var errors: [String]

    public init(message: String, errors: [String] = []) {
        self.message = message
        self.errors = errors
    }

    public var accepted: Bool { message == "success" && errors.isEmpty }

    /// Reads Core 28's reply: `{"package_msg": ..., "tx-results": {wtxid: {"txid", "error"?, ...}}, ...}`.
    public init(reply: BitcoinJSON) throws(BitcoinRPCError) {
        guard let message = reply["package_msg"]?.stringValue else {
            throw .malformedReply(method: "submitpackage", reason: "no package_msg")
        }
        var errors: [String] = []
        if case .object(let results) = reply["tx-results"] ?? .null {
            errors = results.values.compactMap { $0["error"]?.stringValue }
        }
        self.init(message: message, errors: errors.sorted())
    }
}

/// What `estimatesmartfee` reports.
public struct FeeEstimate: Sendable, Hashable, Codable {
    /// Fee rate in satoshis per 1000 virtual bytes, or `nil` when the node has no estimate.
    public var satsPerKvB: UInt64?
    /// The confirmation target the estimate is for.
    public var blocks: Int
    /// The node's reasons when there is no estimate (e.g. "Insufficient data or no feerate found").
    public var errors: [String]

    public init(satsPerKvB: UInt64?, blocks: Int, errors: [String] = []) {
        self.satsPerKvB = satsPerKvB
        self.blocks = blocks
        self.errors = errors
    }

    /// Sat/vB rounded up (what a fee calculation multiplies by vsize), or `nil`.
    public var satsPerVByteRoundedUp: UInt64? { satsPerKvB.map { ($0 + 999) / 1000 } }
}
