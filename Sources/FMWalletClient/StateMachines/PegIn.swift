import FMBitcoin
import FMBitcoinRPC
import FMClientCore
import FMCore
import FMEncoding
import FMMintClient
import FMSecp256k1
import FMWalletCommon
import Foundation
public import GRDB

/// A peg-in: waiting for a deposit to the operation's address → waiting until its block is final for the federation
/// → claiming (a transaction with the peg-in proof as wallet input and fresh notes as outputs, run as a mint
/// operation) → done, with the notes in the wallet.
///
/// Every step can be repeated after a crash: the deposit scan resumes from the stored height, and the claim runs
/// under an operation id derived from this one, so a repeated start finds the claim already started.
public struct PegIn: OperationStateMachine {
    public static let kind: OperationKind = "wallet-peg-in"

    public enum Phase: String, Codable, Sendable {
        case waitingForDeposit = "waiting_for_deposit"
        case waitingForFinality = "waiting_for_finality"
        case claiming
        case awaitingNotes = "awaiting_notes"
        case done
        case failed
    }

    /// The deposit once seen on the chain.
    public struct Deposit: Codable, Sendable, Equatable {
        public var txid: String
        public var outputIndex: UInt32
        public var value: UInt64
        public var blockHash: String
        public var blockHeight: UInt64
    }

    public var operation: OperationID
    public var phase: Phase = .waitingForDeposit
    public var derivationIndex: UInt64
    public var address: String
    /// The next block height to scan for the deposit (`nil`: from the tip when first driven).
    public var scanHeight: UInt64?
    /// Set by `fm-pegin claim TXID`: the deposit transaction, found directly instead of by scanning.
    public var txidHint: String?
    public var deposit: Deposit?
    public var claimOperation: OperationID?
    public var failure: String?
    public var result: JSONValue?

    init(operation: OperationID, derivationIndex: UInt64, address: String, scanHeight: UInt64?) {
        self.operation = operation
        self.derivationIndex = derivationIndex
        self.address = address
        self.scanHeight = scanHeight
    }

    public var ending: OperationEnding? {
        switch phase {
        case .done: .succeeded(result: result ?? .null)
        case .failed: .failed(reason: failure ?? "failed")
        default: nil
        }
    }

    public enum Event: Sendable {
        case scanned(next: UInt64)
        case found(Deposit)
        case notYet
        case final
        case claimStarted(OperationID)
        case claimed(JSONValue)
        case failed(String)
    }

    public struct Environment: Sendable {
        let wallet: WalletClientModule
        let mint: MintClientModule
        let bitcoin: (any BitcoinRPC)?
        let progress: @Sendable (String) -> Void
        let pollInterval: Duration
    }

    /// The id of the mint operation that claims this deposit.
    var derivedClaimOperation: OperationID {
        OperationID(FMCore.Hash256.sha256(operation.hash.bytes + Array("fm/wallet/peg-in-claim".utf8)))
    }

    public func trigger(in environment: Environment) async throws -> Event {
        switch phase {
        case .waitingForDeposit:
            guard let bitcoin = environment.bitcoin else { throw WalletClientError.noBitcoinNode }
            let script = try SegwitAddress(address).scriptPubKey
            if let txidHint { return try await findHinted(txidHint, script: script, bitcoin: bitcoin, environment: environment) }
            let tip = UInt64(clamping: try await bitcoin.getBlockCount())
            let from = scanHeight ?? tip
            guard from <= tip else {
                environment.progress("waiting for a deposit to \(address) (chain at height \(tip))")
                try await Task.sleep(for: environment.pollInterval)
                return .notYet
            }
            for height in from...min(tip, from + 100) {
                let hash = try await bitcoin.getBlockHash(height: Int(height))
                let block = try await bitcoin.getBlock(hash: hash)
                for transaction in block.transactions {
                    if let index = transaction.outputs.firstIndex(where: { $0.scriptPubKey == script }) {
                        return .found(Deposit(
                            txid: transaction.txid.displayHex, outputIndex: UInt32(index),
                            value: transaction.outputs[index].value, blockHash: hash.displayHex, blockHeight: height))
                    }
                }
            }
            return .scanned(next: min(tip, from + 100) + 1)
        case .waitingForFinality:
            let deposit = self.deposit!
            let final = try await environment.api.settledConsensus(
                "wallet/block_height", params: [String: String](), as: WalletBlockHeight.self)
            if final.consensusBlockHeight >= deposit.blockHeight { return .final }
            var message = "deposit \(deposit.txid) in block \(deposit.blockHeight); federation final height \(final.consensusBlockHeight)"
            if let count = try? await environment.bitcoin?.getBlockCount() {
                // The node may be behind or have reorganized: never underflow.
                let tip = UInt64(clamping: count)
                let confirmations = tip >= deposit.blockHeight ? tip - deposit.blockHeight + 1 : 0
                message += ", chain at \(tip) (\(confirmations) confirmations, "
                    + "\(environment.wallet.config.finalityDelay) more needed past the block)"
            }
            environment.progress(message)
            try await Task.sleep(for: environment.pollInterval)
            return .notYet
        case .claiming:
            guard let bitcoin = environment.bitcoin else { throw WalletClientError.noBitcoinNode }
            let deposit = self.deposit!
            let txid = try FMBitcoin.Hash256(displayHex: deposit.txid)
            let blockHash = try FMBitcoin.Hash256(displayHex: deposit.blockHash)
            let transaction = try await bitcoin.getRawTransaction(txid: txid, blockHash: blockHash)
            let merkleBlock = try await bitcoin.getTxOutProof(txids: [txid], blockHash: blockHash)
            let key = environment.wallet.depositKey(index: derivationIndex)
            let proof = PegInProof(
                transaction: transaction, merkleBlock: merkleBlock, outputIndex: deposit.outputIndex, tweakKey: key.publicKey)
            let input = ClientInput(
                item: ModuleItem(module: environment.wallet.instance, encoding: WalletInput.pegIn(proof)),
                amount: Amount(msats: deposit.value * 1000), fee: environment.wallet.config.fees.pegIn, spendKey: key)
            environment.progress("claiming \(deposit.value) sat from deposit \(deposit.txid)")
            return .claimStarted(try await environment.mint.issueNotes(from: [input], operation: derivedClaimOperation))
        case .awaitingNotes:
            let record = try await environment.mint.await(claimOperation!)
            switch record.status {
            case .succeeded: return .claimed(record.result ?? .null)
            case .failed: return .failed(record.failure ?? "the claim was rejected")
            case .running: return .notYet
            }
        case .done, .failed:
            preconditionFailure("an ended operation is not triggered")
        }
    }

    /// The deposit in transaction `txid` (given by the user): its block from `gettxoutproof`, its height by walking
    /// back from the tip.
    private func findHinted(
        _ txidText: String, script: Script, bitcoin: any BitcoinRPC, environment: Environment
    ) async throws -> Event {
        let txid = try FMBitcoin.Hash256(displayHex: txidText)
        let merkleBlock: MerkleBlock
        do { merkleBlock = try await bitcoin.getTxOutProof(txids: [txid], blockHash: nil) } catch {
            environment.progress("waiting for transaction \(txidText) to confirm")
            try await Task.sleep(for: environment.pollInterval)
            return .notYet
        }
        let blockHash = merkleBlock.header.hash
        let transaction = try await bitcoin.getRawTransaction(txid: txid, blockHash: blockHash)
        guard let index = transaction.outputs.firstIndex(where: { $0.scriptPubKey == script }) else {
            return .failed("transaction \(txidText) does not pay \(address)")
        }
        let tip = UInt64(clamping: try await bitcoin.getBlockCount())
        var height = tip
        while true {
            if try await bitcoin.getBlockHash(height: Int(height)) == blockHash { break }
            guard height > 0, tip - height < 10_000 else { return .failed("block \(blockHash) is not in the best chain") }
            height -= 1
        }
        return .found(Deposit(
            txid: txidText, outputIndex: UInt32(index), value: transaction.outputs[index].value,
            blockHash: blockHash.displayHex, blockHeight: height))
    }

    public func transition(on event: Event, in db: Database) throws -> PegIn {
        var next = self
        switch event {
        case .scanned(let height): next.scanHeight = height
        case .found(let deposit):
            next.deposit = deposit
            next.phase = .waitingForFinality
        case .notYet:
            if scanHeight == nil, phase == .waitingForDeposit, txidHint == nil { break }
        case .final: next.phase = .claiming
        case .claimStarted(let id):
            next.claimOperation = id
            next.phase = .awaitingNotes
        case .claimed(let issued):
            next.phase = .done
            var result: [String: JSONValue] = [
                "address": .string(address), "deposit_txid": .string(deposit?.txid ?? ""),
                "deposit_sats": .unsigned(deposit?.value ?? 0), "claim_operation_id": .string(claimOperation?.description ?? ""),
            ]
            if case .object(let fields) = issued { result.merge(fields) { first, _ in first } }
            next.result = .object(result)
        case .failed(let reason):
            next.phase = .failed
            next.failure = reason
        }
        return next
    }
}

extension PegIn.Environment {
    var api: FederationAPI { wallet.api }
}
