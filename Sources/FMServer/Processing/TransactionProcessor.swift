import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import FMServerCore
import Foundation
import GRDB
import Logging

/// Applies finalized blocks to the guardian's state through the module servers (BRIEF §2, §6).
///
/// - Important: one block is applied in ONE database write transaction, together with the advance of the
///   processing cursor, so a crash leaves either the whole block applied or none of it. Each transaction of the
///   block runs in a savepoint: when any check fails the savepoint is rolled back (no module keeps anything it
///   wrote) and the rejection is recorded under the txid. A txid already recorded is skipped. After each block all
///   modules are audited; if liabilities exceed assets the guardian halts: it records why, logs it at critical
///   level and applies no further block.
public final class TransactionProcessor: Sendable {
    public let database: SQLiteDatabase
    public let modules: [ModuleInstanceID: any ServerModule]
    let logger: Logger

    /// The schemas the guardian's database must be opened with: the processor's and every module's.
    public static func schemas(for modules: [any ServerModule]) -> [SubsystemSchema] {
        [ProcessingSchema.schema] + modules.map(\.schema)
    }

    /// `database` must have been opened with ``schemas(for:)``.
    public init(database: SQLiteDatabase, modules: [any ServerModule], logger: Logger = Logger(label: "fm.server")) {
        self.database = database
        self.modules = Dictionary(modules.map { ($0.instance, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    // MARK: - Blocks

    /// The height of the next block to apply.
    public func nextHeight() async throws -> UInt64 {
        try await database.read { db in try Self.cursor(db).nextHeight }
    }

    /// Why processing halted, if it did.
    public func haltReason() async throws -> String? {
        try await database.read { db in try Self.cursor(db).haltedReason }
    }

    /// Applies the block at `height` (proposed by `proposer`) with its ordered `items`.
    ///
    /// A block below the cursor was already applied and is ignored (returns `nil`); a block above it is an error
    /// (blocks must be applied in order, without gaps). Items that are not valid consensus items are skipped.
    /// Throws ``ProcessingError/halted(_:)`` once the audit has failed.
    @discardableResult
    public func apply(height: UInt64, proposer: PeerID, items: [[UInt8]]) async throws -> BlockOutcome? {
        let modules = modules
        let logger = logger
        let outcome: BlockOutcome? = try await database.write { db in
            let cursor = try Self.cursor(db)
            if let reason = cursor.haltedReason { throw ProcessingError.halted(reason) }
            if height < cursor.nextHeight { return nil }
            guard height == cursor.nextHeight else {
                throw ProcessingError.outOfOrder(expected: cursor.nextHeight, found: height)
            }
            var outcome = BlockOutcome(height: height)
            for raw in items {
                guard let item = try? FederationItem(canonicalBytes: raw) else {
                    logger.warning("skipping an undecodable consensus item", metadata: ["height": "\(height)"])
                    continue
                }
                switch item {
                case .transaction(let transaction):
                    let txid = transaction.txid
                    if try Self.recordedOutcome(txid, db: db) != nil { continue }
                    var result = TransactionOutcome.accepted
                    try db.inSavepoint {
                        do {
                            try Self.process(transaction, modules: modules, db: db)
                            return .commit
                        } catch let rejection as TransactionRejection {
                            result = .rejected(rejection)
                            return .rollback
                        }
                    }
                    try Self.record(txid, result, height: height, db: db)
                    outcome.transactions.append(ProcessedTransaction(txid: txid, outcome: result))
                case .module(let moduleItem):
                    guard let module = modules[moduleItem.module] else { continue }
                    try db.inSavepoint {
                        do {
                            try module.processConsensusItem(moduleItem.payload, from: proposer, db: db)
                            return .commit
                        } catch is TransactionRejection {
                            return .rollback
                        }
                    }
                }
            }
            let audit = try Self.audit(modules: modules, db: db)
            outcome.audit = audit
            var haltedReason: String? = nil
            if !audit.total.isSolvent {
                haltedReason = "audit failed after block \(height): liabilities \(audit.total.liabilities) exceed assets \(audit.total.assets)"
            }
            try db.execute(
                sql: "UPDATE server_cursor SET next_height = ?, halted_reason = ? WHERE id = 0",
                arguments: [(height + 1).storedInteger("next_height"), haltedReason])
            outcome.haltedReason = haltedReason
            return outcome
        }
        if let reason = outcome?.haltedReason {
            logger.critical("GUARDIAN HALTED: \(reason). No further block will be applied; investigate before restarting.")
        }
        return outcome
    }

    // MARK: - Transactions

    /// Checks `transaction` against committed state without changing it: what `submit_transaction` answers at once.
    /// Returns the recorded outcome if the transaction was already processed.
    public func precheck(_ transaction: Transaction) async throws -> TransactionOutcome {
        let modules = modules
        return try await database.write { db in
            if let recorded = try Self.recordedOutcome(transaction.txid, db: db) { return recorded }
            var result = TransactionOutcome.accepted
            try db.inSavepoint {
                do { try Self.process(transaction, modules: modules, db: db) } catch let rejection as TransactionRejection {
                    result = .rejected(rejection)
                }
                return .rollback
            }
            return result
        }
    }

    /// The recorded outcome of `txid`, or `nil` if it has not been processed.
    public func outcome(of txid: TransactionID) async throws -> TransactionOutcome? {
        try await database.read { db in try Self.recordedOutcome(txid, db: db) }
    }

    /// Waits until `txid` is processed or `timeout` passes (then returns `nil`).
    public func awaitOutcome(of txid: TransactionID, timeout: Duration) async throws -> TransactionOutcome? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let outcome = try await outcome(of: txid) { return outcome }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The outcome of the output at `outPoint` as its module encodes it, or `nil` if none is recorded yet.
    public func outputOutcome(_ outPoint: OutPoint) async throws -> [UInt8]? {
        let modules = Array(modules.values)
        return try await database.read { db in
            for module in modules { if let bytes = try module.outputOutcome(outPoint, db: db) { return bytes } }
            return nil
        }
    }

    /// Every module's audit in the committed state and their total.
    public func audit() async throws -> FederationAudit {
        let modules = modules
        return try await database.read { db in try Self.audit(modules: modules, db: db) }
    }

    /// Validates and applies one transaction in `db`; throws a ``TransactionRejection`` if it is invalid.
    static func process(_ transaction: Transaction, modules: [ModuleInstanceID: any ServerModule], db: Database) throws {
        guard !transaction.inputs.isEmpty else { throw TransactionCheck.empty }
        guard transaction.signatures.count == transaction.inputs.count else {
            throw TransactionCheck.signatureCountMismatch(transaction.signatures.count, inputs: transaction.inputs.count)
        }
        let txid = transaction.txid
        // Inputs go to their modules grouped by instance (so a module can batch-verify), metas back in input order.
        var inputMetas = [InputMeta?](repeating: nil, count: transaction.inputs.count)
        var indicesByModule: [ModuleInstanceID: [Int]] = [:]
        for (index, input) in transaction.inputs.enumerated() { indicesByModule[input.module, default: []].append(index) }
        for instance in indicesByModule.keys.sorted() {
            guard let module = modules[instance] else { throw TransactionCheck.unknownModule(instance) }
            let indices = indicesByModule[instance]!
            let metas = try module.processInputs(indices.map { transaction.inputs[$0].payload }, db: db)
            for (index, meta) in zip(indices, metas) { inputMetas[index] = meta }
        }
        var inputTotal = Amount.zero
        var fees = Amount.zero
        var outputTotal = Amount.zero
        do {
            for (index, meta) in inputMetas.enumerated() {
                let meta = meta!
                guard meta.spendKey.isValidSchnorrSignature(transaction.signatures[index], for: txid.hash.bytes) else {
                    throw TransactionCheck.invalidSignature(input: index)
                }
                inputTotal = try inputTotal.adding(meta.amount)
                fees = try fees.adding(meta.fee)
            }
            for (index, output) in transaction.outputs.enumerated() {
                guard let module = modules[output.module] else { throw TransactionCheck.unknownModule(output.module) }
                let meta = try module.processOutput(output.payload, outPoint: OutPoint(txid: txid, outIndex: UInt64(index)), db: db)
                outputTotal = try outputTotal.adding(meta.amount)
                fees = try fees.adding(meta.fee)
            }
            guard inputTotal == (try outputTotal.adding(fees)) else {
                throw TransactionCheck.unbalanced(inputs: inputTotal, outputs: outputTotal, fees: fees)
            }
        } catch is AmountError {
            throw TransactionCheck.overflow
        }
    }

    static func audit(modules: [ModuleInstanceID: any ServerModule], db: Database) throws -> FederationAudit {
        var perModule: [FederationAudit.Entry] = []
        for instance in modules.keys.sorted() {
            let module = modules[instance]!
            perModule.append(FederationAudit.Entry(instance: instance, kind: module.kind, audit: try module.audit(db: db)))
        }
        return FederationAudit(modules: perModule, total: try ModuleAudit.sum(perModule.map(\.audit)))
    }

    // MARK: - Storage

    struct Cursor {
        var nextHeight: UInt64
        var haltedReason: String?
    }

    static func cursor(_ db: Database) throws -> Cursor {
        let row = try Row.fetchOne(db, sql: "SELECT next_height, halted_reason FROM server_cursor WHERE id = 0")!
        return Cursor(nextHeight: try UInt64(storedInteger: row["next_height"], "next_height"), haltedReason: row["halted_reason"])
    }

    static func recordedOutcome(_ txid: TransactionID, db: Database) throws -> TransactionOutcome? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT accepted, code, message FROM server_transactions WHERE txid = ?",
            arguments: [Data(txid.hash.bytes)])
        else { return nil }
        if row["accepted"] as Bool { return .accepted }
        return .rejected(TransactionRejection(code: (row["code"] as String?) ?? "rejected", message: (row["message"] as String?) ?? ""))
    }

    static func record(_ txid: TransactionID, _ outcome: TransactionOutcome, height: UInt64, db: Database) throws {
        var code: String? = nil
        var message: String? = nil
        if case .rejected(let rejection) = outcome {
            code = rejection.code
            message = rejection.message
        }
        try db.execute(
            sql: "INSERT INTO server_transactions (txid, accepted, code, message, height) VALUES (?, ?, ?, ?, ?)",
            arguments: [Data(txid.hash.bytes), outcome.isAccepted, code, message, height.storedInteger("height")])
    }
}

/// What applying one block did.
public struct BlockOutcome: Sendable {
    public let height: UInt64
    public var transactions: [ProcessedTransaction] = []
    public var audit = FederationAudit(modules: [], total: .empty)
    public var haltedReason: String?

    init(height: UInt64) { self.height = height }
}

/// One transaction of a block and what became of it.
public struct ProcessedTransaction: Hashable, Sendable {
    public let txid: TransactionID
    public let outcome: TransactionOutcome
}

/// Every module's balance sheet and the federation's total.
public struct FederationAudit: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public let instance: ModuleInstanceID
        public let kind: ModuleKind
        public let audit: ModuleAudit
    }

    public let modules: [Entry]
    public let total: ModuleAudit
}

/// Why a block could not be applied.
public enum ProcessingError: ReportableError, Equatable {
    case halted(String)
    case outOfOrder(expected: UInt64, found: UInt64)

    public var category: FailureCategory { .failed }
    public var code: String {
        switch self {
        case .halted: "guardian_halted"
        case .outOfOrder: "block_out_of_order"
        }
    }
    public var description: String {
        switch self {
        case .halted(let reason): "processing is halted: \(reason)"
        case .outOfOrder(let expected, let found): "block \(found) arrived but block \(expected) is next"
        }
    }
}
