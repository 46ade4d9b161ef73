import FMBitcoin
import FMBitcoinRPC
import FMCore
import Foundation

/// A regtest bitcoin node: the chain, UTXO set, mempool and wallet of one data directory, with
/// the Bitcoin Core RPC semantics fm relies on. It is also a ``BitcoinRPC`` itself, so code
/// written against the protocol can run on it in-process; ``RegtestServer`` serves it over HTTP.
///
/// Every error is a ``BitcoinRPCError/rpc(code:message:)`` with Bitcoin Core's code and message.
public actor RegtestNode: BitcoinRPC {
    public nonisolated let dataDirectory: String
    /// Fee rate `estimatesmartfee` reports when recent blocks hold no transactions (sat/kvB);
    /// `nil` makes it answer "Insufficient data or no feerate found" as a fresh bitcoind does.
    public nonisolated let fallbackFeeRate: UInt64?
    private let store: RegtestStore
    private var chain = ChainState()
    private var mempool = Mempool()
    private var wallet: RegtestWallet
    private var medianFeeRates: [UInt64?] = []
    /// The mempool's minimum fee rate (sat/kvB, never below ``RegtestParameters/minimumRelayFeeRate``): Core's
    /// `mempoolminfee`, which rises when its mempool is full. Set at start (`--mempool-min-fee`) or by the
    /// fm-regtest-only RPC `setmempoolminfee`; not persisted.
    public private(set) var mempoolMinimumFeeRate: UInt64 = RegtestParameters.minimumRelayFeeRate
    private let clock: @Sendable () -> UInt32

    /// Opens (or creates) the node in `dataDirectory`: `regtest.sqlite` and the 0600 `wallet.seed`.
    /// - Parameter clock: block timestamps come from it (UNIX seconds); tests may pin it.
    public init(
        dataDirectory: String, fallbackFeeRate: UInt64? = 1000, mempoolMinimumFeeRate: UInt64 = RegtestParameters.minimumRelayFeeRate,
        clock: @escaping @Sendable () -> UInt32 = { UInt32(Date().timeIntervalSince1970) }
    ) throws {
        try AtomicFile.createPrivateDirectory(dataDirectory)
        self.dataDirectory = dataDirectory
        self.fallbackFeeRate = fallbackFeeRate
        self.mempoolMinimumFeeRate = min(
            max(mempoolMinimumFeeRate, RegtestParameters.minimumRelayFeeRate), RegtestParameters.defaultMaximumFeeRate)
        self.clock = clock
        store = try RegtestStore(path: (dataDirectory as NSString).appendingPathComponent("regtest.sqlite"))
        let snapshot = try store.load()
        let seed = try RegtestWallet.loadOrCreateSeed(at: (dataDirectory as NSString).appendingPathComponent("wallet.seed"))
        wallet = RegtestWallet(seed: seed, scripts: snapshot.walletScripts)

        let genesis = Network.regtest.genesisBlock
        if snapshot.blocks.isEmpty {
            try store.connect(genesis, height: 0, medianFeeRate: nil, spent: [], created: [], minedFromMempool: [])
            chain.connect(genesis)
            medianFeeRates = [nil]
        } else {
            guard snapshot.blocks[0].block.hash == genesis.hash else { throw RegtestStoreError.corrupt("not a regtest chain") }
            for (block, rate) in snapshot.blocks {
                chain.connect(block)
                medianFeeRates.append(rate)
            }
            guard chain.utxos == snapshot.utxos else { throw RegtestStoreError.corrupt("UTXO set does not match the blocks") }
        }
        for (transaction, fee, sequence) in snapshot.mempool { _ = mempool.add(transaction, fee: fee, sequence: sequence) }
    }

    // MARK: Chain queries

    public func getBlockchainInfo() -> BlockchainInfo {
        BlockchainInfo(
            chain: "regtest", blocks: chain.height, headers: chain.height, bestBlockHash: chain.tip.hash,
            medianTime: Int(chain.tip.medianTimePast), initialBlockDownload: false, chainWork: chain.tip.chainWork.description)
    }

    public func getBlockCount() -> Int { chain.height }
    public func getBestBlockHash() -> FMBitcoin.Hash256 { chain.tip.hash }

    public func getBlockHash(height: Int) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        guard (0...chain.height).contains(height) else { throw .rpc(code: .invalidParameter, message: "Block height out of range") }
        return chain.entries[height].hash
    }

    /// The chain entry for `hash` (block, height, work, median time past) and the tip height.
    public func entry(hash: FMBitcoin.Hash256) throws(BitcoinRPCError) -> (entry: ChainEntry, tipHeight: Int) {
        guard let entry = chain.entry(hash: hash) else { throw .rpc(code: .invalidAddressOrKey, message: "Block not found") }
        return (entry, chain.height)
    }

    public func getBlock(hash: FMBitcoin.Hash256) throws(BitcoinRPCError) -> Block { try entry(hash: hash).entry.block }
    public func getBlockHeader(hash: FMBitcoin.Hash256) throws(BitcoinRPCError) -> BlockHeader {
        try entry(hash: hash).entry.block.header
    }

    public func getRawTransaction(txid: FMBitcoin.Hash256, blockHash: FMBitcoin.Hash256?) throws(BitcoinRPCError) -> FMBitcoin.Transaction {
        try locateTransaction(txid: txid, blockHash: blockHash).transaction
    }

    /// A transaction and, when confirmed, the block that holds it. Without `blockHash` the whole
    /// chain is searched (like bitcoind with `-txindex`) as well as the mempool.
    public func locateTransaction(txid: FMBitcoin.Hash256, blockHash: FMBitcoin.Hash256?) throws(BitcoinRPCError)
        -> (transaction: FMBitcoin.Transaction, block: ChainEntry?, tipHeight: Int)
    {
        if let blockHash {
            guard let entry = chain.entry(hash: blockHash) else {
                throw .rpc(code: .invalidAddressOrKey, message: "Block hash not found")
            }
            guard let transaction = entry.block.transactions.first(where: { $0.txid == txid }) else {
                throw .rpc(
                    code: .invalidAddressOrKey,
                    message: "No such transaction found in the provided block. Use gettransaction for wallet transactions.")
            }
            return (transaction, entry, chain.height)
        }
        if let mempoolEntry = mempool.entries[txid] { return (mempoolEntry.transaction, nil, chain.height) }
        if let location = chain.transactions[txid] {
            let entry = chain.entries[location.height]
            return (entry.block.transactions[location.index], entry, chain.height)
        }
        throw .rpc(
            code: .invalidAddressOrKey,
            message: "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.")
    }

    public func getTxOutProof(txids: [FMBitcoin.Hash256], blockHash: FMBitcoin.Hash256?) throws(BitcoinRPCError) -> MerkleBlock {
        var seen: Set<FMBitcoin.Hash256> = []
        for txid in txids where !seen.insert(txid).inserted {
            throw .rpc(code: .invalidParameter, message: "Invalid parameter, duplicated txid: \(txid.displayHex)")
        }
        guard let first = txids.first else {
            throw .rpc(code: .invalidParameter, message: "Invalid parameter, txids must not be empty")
        }
        let entry: ChainEntry
        if let blockHash {
            guard let found = chain.entry(hash: blockHash) else { throw .rpc(code: .invalidAddressOrKey, message: "Block not found") }
            entry = found
        } else {
            guard let location = chain.transactions[first] else {
                throw .rpc(code: .invalidAddressOrKey, message: "Transaction not yet in block")
            }
            entry = chain.entries[location.height]
        }
        let inBlock = Set(entry.block.transactions.map(\.txid))
        guard txids.allSatisfy(inBlock.contains) else {
            throw .rpc(code: .invalidAddressOrKey, message: "Not all transactions found in specified or retrieved block")
        }
        return MerkleBlock(block: entry.block, matching: Set(txids))
    }

    /// `gettxout`: an unspent output (from the mempool too, unless `includeMempool` is false) and its confirmations (0 in the mempool).
    public func getTxOut(_ outpoint: FMBitcoin.OutPoint, includeMempool: Bool = true) -> (coin: Coin, confirmations: Int)? {
        if includeMempool {
            if mempool.spentBy[outpoint] != nil { return nil }
            if let coin = mempool.coin(outpoint, nextHeight: chain.height + 1) { return (coin, 0) }
        }
        guard let coin = chain.utxos[outpoint] else { return nil }
        return (coin, chain.height - coin.height + 1)
    }

    // MARK: Mempool

    public func sendRawTransaction(_ transaction: FMBitcoin.Transaction) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        try submit(transaction, maximumFeeRate: RegtestParameters.defaultMaximumFeeRate)
    }

    /// `sendrawtransaction` with its `maxfeerate` (sat/kvB; 0 for no limit).
    public func submit(_ transaction: FMBitcoin.Transaction, maximumFeeRate: UInt64) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        let txid = transaction.txid
        // BroadcastTransaction: outputs already in the UTXO set mean the transaction is confirmed.
        for index in transaction.outputs.indices where chain.utxos[FMBitcoin.OutPoint(txid: txid, index: UInt32(index))] != nil {
            throw TransactionRejection.alreadyInChain.rpcError
        }
        // Already in the mempool: nothing to do, as bitcoind (it re-announces and returns the txid).
        if mempool.contains(txid) { return txid }
        let fee: UInt64
        do throws(TransactionRejection) {
            fee = try TransactionValidator(chain: chain, mempool: mempool).check(transaction, mempoolMinimumFeeRate: mempoolMinimumFeeRate)
        } catch {
            throw error.rpcError
        }
        if maximumFeeRate > 0, fee > TransactionValidator.fee(rate: maximumFeeRate, virtualSize: transaction.virtualSize) {
            throw TransactionRejection.maximumFeeExceeded.rpcError
        }
        var updated = mempool
        let entry = updated.add(transaction, fee: fee)
        do { try store.addToMempool(entry) } catch { throw .rpc(code: .databaseError, message: "\(error)") }
        mempool = updated
        return txid
    }

    /// Raises (or lowers) the mempool minimum, then evicts as Core's `TrimToSize` does when its minimum rises:
    /// the entry with the lowest descendant score below the minimum, with its descendants, until none is left.
    /// Returns the evicted txids (they are gone, not refused: sending them again meets the new minimum).
    public func setMempoolMinimumFeeRate(_ rate: UInt64) throws(BitcoinRPCError) -> [FMBitcoin.Hash256] {
        guard rate <= RegtestParameters.defaultMaximumFeeRate else {
            throw .rpc(code: .invalidParameter, message: "feerate above \(RegtestParameters.defaultMaximumFeeRate) sat/kvB")
        }
        let minimum = max(rate, RegtestParameters.minimumRelayFeeRate)
        var updated = mempool
        var evicted: [FMBitcoin.Hash256] = []
        while let lowest = updated.lowestScored(below: minimum) {
            for txid in updated.withDescendants(lowest) {
                updated.remove(txid)
                evicted.append(txid)
            }
        }
        do { try store.removeFromMempool(evicted) } catch { throw .rpc(code: .databaseError, message: "\(error)") }
        mempool = updated
        mempoolMinimumFeeRate = minimum
        return evicted
    }

    /// `submitpackage` (Core 28+, child with its unconfirmed parents): each new transaction must pass every check
    /// but the mempool minimum, which the package's new transactions meet together (Σ fee / Σ vsize): package
    /// CPFP, a child paying for a parent below the mempool minimum — never below the minimum relay fee, as in Core.
    /// Transactions already in the mempool are skipped. All or nothing.
    /// - Returns: each transaction's fee (sat), in package order (`nil`: it was already in the mempool).
    public func submitPackage(_ transactions: [FMBitcoin.Transaction]) throws(BitcoinRPCError) -> [UInt64?] {
        guard let child = transactions.last, transactions.count <= 25 else {
            throw .rpc(code: .invalidParameter, message: "Array must contain between 1 and 25 transactions.")
        }
        let parents = transactions.dropLast().map(\.txid)
        let spentByChild = Set(child.inputs.map(\.previousOutput.txid))
        let parentsIndependent = transactions.dropLast().allSatisfy { parent in
            parent.inputs.allSatisfy { !parents.contains($0.previousOutput.txid) }
        }
        guard Set(parents).count == parents.count, parents.allSatisfy(spentByChild.contains), parentsIndependent else {
            throw .rpc(
                code: .invalidParameter,
                message: "package topology disallowed. not child-with-parents or parents depend on each other.")
        }
        var updated = mempool
        var added: [MempoolEntry] = []
        var fees: [UInt64?] = []
        for transaction in transactions {
            if updated.contains(transaction.txid) {
                fees.append(nil)
                continue
            }
            for index in transaction.outputs.indices
            where chain.utxos[FMBitcoin.OutPoint(txid: transaction.txid, index: UInt32(index))] != nil {
                throw TransactionRejection.alreadyInChain.rpcError
            }
            let fee: UInt64
            do throws(TransactionRejection) {
                fee = try TransactionValidator(chain: chain, mempool: updated).check(transaction)
            } catch {
                throw .rpc(code: .verifyRejected, message: "transaction failed: \(error.reason)")
            }
            added.append(updated.add(transaction, fee: fee))
            fees.append(fee)
        }
        let fee = added.reduce(UInt64(0)) { $0 + $1.fee }
        let size = added.reduce(0) { $0 + $1.virtualSize }
        let required = TransactionValidator.fee(rate: mempoolMinimumFeeRate, virtualSize: size)
        guard fee >= required else {
            throw .rpc(code: .verifyRejected, message: "package-mempool-min-fee-not-met, \(fee) < \(required)")
        }
        do { try store.addToMempool(added) } catch { throw .rpc(code: .databaseError, message: "\(error)") }
        mempool = updated
        return fees
    }

    /// ``BitcoinRPC`` conformance: every refusal is thrown (``submitPackage(_:)``), so a reply is a success.
    public func submitPackage(transactions: [FMBitcoin.Transaction]) throws(BitcoinRPCError) -> PackageSubmission {
        _ = try submitPackage(transactions)
        return PackageSubmission(message: "success")
    }

    public func getRawMempool() -> [FMBitcoin.Hash256] { mempool.ordered.map(\.txid) }
    public func mempoolEntries() -> [MempoolEntry] { mempool.ordered }

    // MARK: Mining

    public func generateToAddress(blocks: Int, address: String) throws(BitcoinRPCError) -> [FMBitcoin.Hash256] {
        guard let destination = try? SegwitAddress(address, network: .regtest) else {
            throw .rpc(code: .invalidAddressOrKey, message: "Error: Invalid address")
        }
        guard blocks >= 0 else { throw .rpc(code: .invalidParameter, message: "Invalid nblocks") }
        var hashes: [FMBitcoin.Hash256] = []
        for _ in 0..<blocks { hashes.append(try mineBlock(payingTo: destination.scriptPubKey)) }
        return hashes
    }

    /// Mines one block with the mempool's transactions; returns its hash.
    public func mineBlock(payingTo payout: Script) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        let selected = BlockAssembler.select(from: mempool)
        let block = BlockAssembler.mine(on: chain, transactions: selected, payout: payout, now: clock())
        let rates = selected.map { $0.fee * 1000 / UInt64($0.virtualSize) }.sorted()
        let medianRate = rates.isEmpty ? nil : rates[rates.count / 2]
        var updated = chain
        let (spent, created) = updated.connect(block)
        do {
            try store.connect(
                block, height: updated.height, medianFeeRate: medianRate, spent: spent, created: created,
                minedFromMempool: selected.map(\.txid))
        } catch {
            throw .rpc(code: .databaseError, message: "\(error)")
        }
        chain = updated
        medianFeeRates.append(medianRate)
        for entry in selected { mempool.remove(entry.txid) }
        return block.hash
    }

    /// A mined block on top of the tip holding `transactions` as given, NOT validated and not
    /// connected: tests use it to show that Bitcoin Core's consensus code refuses what fm-regtest refused.
    func assembleUncheckedBlock(including transactions: [FMBitcoin.Transaction], payout: Script) -> Block {
        var scratch = Mempool()
        let entries = transactions.map { scratch.add($0, fee: 0) }
        return BlockAssembler.mine(on: chain, transactions: entries, payout: payout, now: clock())
    }

    /// Every block from height 1 to the tip, serialized.
    public func serializedBlocks() -> [[UInt8]] { chain.entries.dropFirst().map(\.block.serialized) }

    // MARK: Fees

    public func estimateSmartFee(confirmationTarget: Int) throws(BitcoinRPCError) -> FeeEstimate {
        guard (1...1008).contains(confirmationTarget) else {
            throw .rpc(code: .invalidParameter, message: "Invalid conf_target, must be between 1 and 1008")
        }
        let blocks = min(confirmationTarget, 1008)
        // Median of the per-block median fee rates of the last 10 blocks that confirmed transactions.
        let recent = medianFeeRates.suffix(10).compactMap { $0 }.sorted()
        if !recent.isEmpty {
            return FeeEstimate(satsPerKvB: max(recent[recent.count / 2], RegtestParameters.minimumRelayFeeRate), blocks: blocks)
        }
        if let fallbackFeeRate { return FeeEstimate(satsPerKvB: fallbackFeeRate, blocks: blocks) }
        return FeeEstimate(satsPerKvB: nil, blocks: 0, errors: ["Insufficient data or no feerate found"])
    }

    // MARK: Wallet

    public func getNewAddress() throws(BitcoinRPCError) -> String {
        let script = try newWalletScript()
        do { return try SegwitAddress(scriptPubKey: script, network: .regtest).string } catch {
            throw .rpc(code: .walletError, message: "\(error)")
        }
    }

    private func newWalletScript() throws(BitcoinRPCError) -> Script {
        var updated = wallet
        do {
            let (index, script) = try updated.nextKey()
            try store.addWalletKey(index: index, script: script)
            wallet = updated
            return script
        } catch {
            throw .rpc(code: .walletError, message: "\(error)")
        }
    }

    private func walletScript(index: Int) throws(BitcoinRPCError) -> Script {
        do { return try wallet.script(index: index) } catch { throw .rpc(code: .walletError, message: "\(error)") }
    }

    public func getBalance() -> UInt64 { wallet.balance(chain: chain, mempool: mempool) }

    public func sendToAddress(address: String, amountSats: UInt64) throws(BitcoinRPCError) -> FMBitcoin.Hash256 {
        guard let destination = try? SegwitAddress(address, network: .regtest) else {
            throw .rpc(code: .invalidAddressOrKey, message: "Invalid address")
        }
        guard amountSats > 0 else { throw .rpc(code: .typeError, message: "Invalid amount for send") }
        guard amountSats >= RegtestParameters.dustThreshold(destination.scriptPubKey) else {
            throw .rpc(code: .walletError, message: "Transaction amount too small")
        }
        let change = try walletScript(index: wallet.keyCount)
        let payment: (transaction: FMBitcoin.Transaction, usesChange: Bool)
        do throws(RegtestWalletError) {
            payment = try wallet.pay(amountSats, to: destination.scriptPubKey, changeScript: change, chain: chain, mempool: mempool)
        } catch .insufficientFunds {
            throw .rpc(code: .walletInsufficientFunds, message: "Insufficient funds")
        } catch {
            throw .rpc(code: .walletError, message: "\(error)")
        }
        if payment.usesChange { _ = try newWalletScript() }
        return try sendRawTransaction(payment.transaction)
    }
}


