import FMCore
import FMStorage
import FMEncoding
import FMSecp256k1
import FMServerCore
import Foundation
import Logging

/// Applies finalized blocks to the guardian's state through the module servers (BRIEF §2, §6).
///
/// - Important: one block is applied in ONE database write transaction, together with the advance of the
///   processing cursor, so a crash leaves either the whole block applied or none of it. The stateless checks of
///   its transactions (signatures, pairings: ``StatelessChecks``) run before that transaction opens, on a
///   verification queue of their own. Each transaction then runs in a savepoint: when any check fails the savepoint
///   is rolled back (no module keeps anything it wrote) and the rejection is recorded under the txid, unless the
///   copy's signatures did not verify (a copy its spenders did not sign says nothing about the txid). A recorded
///   outcome is final and its txid is skipped when it comes again: a rejection is recorded only for a copy its
///   spenders signed, and its client releases the notes on that verdict, so a later copy must not spend them. Whatever a module throws is a deterministic rejection except
///   environmental failures, which abort the block so that it is applied again (``ProcessingFailure``). After each
///   block all modules are audited; if liabilities exceed assets the guardian halts: it records why, logs it at
///   critical level and applies no further block.
public final class TransactionProcessor: Sendable {
    /// The guardian's database (SQLite or PostgreSQL).
    public let database: any Storage
    public let modules: [ModuleInstanceID: any ServerModule]
    /// How many guardians must propose the same meta revision or shutdown height (``GuardianOperations``).
    public let threshold: Int
    /// What API URL announcements are checked against (`nil`: every one is refused).
    public let announcementKeys: APIAnnouncementKeys?
    /// Every guardian of the federation: all must support a consensus version before it activates (empty: version
    /// announcements are refused).
    public let guardians: [PeerID]
    let logger: Logger
    let queues = VerificationQueues()

    /// The schemas the guardian's database must be opened with: the processor's and every module's.
    public static func schemas(for modules: [any ServerModule]) -> [StorageSchema] {
        [ProcessingSchema.schema] + modules.map(\.schema)
    }

    /// `database` must have been opened with ``schemas(for:)``; `threshold` is the federation's (a federation of
    /// one by default, as in single-processor tests).
    public init(
        database: any Storage, modules: [any ServerModule], threshold: Int = 1,
        announcementKeys: APIAnnouncementKeys? = nil, guardians: [PeerID] = [], logger: Logger = Logger(label: "fm.server")
    ) {
        self.database = database
        self.threshold = max(1, threshold)
        self.announcementKeys = announcementKeys
        self.guardians = guardians.sorted()
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

    /// What the guardian acts on after block `height`, read back from storage: for a block whose COMMIT's outcome
    /// was unknown (PostgreSQL's connection dropped after COMMIT was sent) and which the retry then found applied.
    /// The digest, a halt, the scheduled shutdown (re-limiting ordering to it is idempotent) and the versions the
    /// block activated (those first applied at `height + 1`); not the block's transactions.
    public func storedOutcome(height: UInt64) async throws -> BlockOutcome {
        try await database.read { db in
            var outcome = BlockOutcome(height: height)
            outcome.stateDigest = try StateDigests.digest(at: height, db: db) ?? StateDigests.genesis
            outcome.haltedReason = try Self.cursor(db).haltedReason
            let shutdown = try GuardianOperations.scheduledShutdown(db)
            outcome.shutdownAgreed = shutdown
            outcome.stopsHere = shutdown == height
            outcome.activatedVersions = try GuardianOperations.activations(db).filter { $0.height == height &+ 1 }
            return outcome
        }
    }

    /// Applies the block at `height` (proposed by `proposer`) with its ordered `items`.
    ///
    /// A block below the cursor was already applied and is ignored (returns `nil`); a block above it is an error
    /// (blocks must be applied in order, without gaps). Items that are not valid consensus items are skipped.
    /// Throws ``ProcessingError/halted(_:)`` once the audit has failed, and any environmental failure
    /// (``ProcessingFailure``), after which nothing of the block is kept and it can be applied again.
    @discardableResult
    public func apply(height: UInt64, proposer: PeerID, items: [[UInt8]]) async throws -> BlockOutcome? {
        let modules = modules
        let logger = logger
        let threshold = threshold
        let announcementKeys = announcementKeys
        let guardians = guardians
        let components = versionedComponents
        if try await nextHeight() > height { return nil }
        let decoded = items.map { try? FederationItem(canonicalBytes: $0) }
        let committed = StatelessChecks.CommittedState(database: database, height: height)
        let verdicts = try await queues.blocks.run {
            try Self.statelessVerdicts(decoded, modules: modules, committed: committed)
        }
        let outcome: BlockOutcome? = try await database.write { db in
            let cursor = try Self.cursor(db)
            if let reason = cursor.haltedReason { throw ProcessingError.halted(reason) }
            if height < cursor.nextHeight { return nil }
            guard height == cursor.nextHeight else {
                throw ProcessingError.outOfOrder(expected: cursor.nextHeight, found: height)
            }
            var outcome = BlockOutcome(height: height)
            for (index, item) in decoded.enumerated() {
                switch item {
                case nil:
                    logger.warning("skipping an undecodable consensus item", metadata: ["height": "\(height)"])
                case .transaction(let transaction):
                    let txid = transaction.txid
                    if try Self.recordedOutcome(txid, db: db) != nil { continue }
                    let result: TransactionOutcome
                    switch verdicts[index] {
                    case .unauthorized(let rejection):
                        logger.warning(
                            "block \(height) proposed by \(proposer) carries a copy of \(txid) that its spenders did not sign (\(rejection.message)); not recorded")
                        outcome.transactions.append(ProcessedTransaction(txid: txid, outcome: .rejected(rejection), recorded: false))
                        continue
                    case .rejected(let rejection):
                        result = .rejected(rejection)
                    case .verified(let verified):
                        result = try Self.applyStateful(transaction, verified: verified, modules: modules, db: db)
                    case nil:
                        result = .rejected(ProcessingFailure.unexpected(ProcessingError.missingVerdict))
                    }
                    try Self.record(txid, result, height: height, db: db)
                    outcome.transactions.append(ProcessedTransaction(txid: txid, outcome: result, recorded: true))
                case .stateDigest(let report):
                    // A guardian reports only its own digest, in a block it proposes.
                    guard report.peer == proposer, let mismatch = try StateDigests.compare(report, db: db) else { continue }
                    logger.critical(
                        "STATE DIVERGENCE: \(report.peer)'s state digest after block \(report.height) is \(mismatch.theirs), ours is \(mismatch.ours)")
                    outcome.digestMismatches.append(mismatch)
                case .metaProposal(let meta):
                    let applied = try GuardianOperations.applying(db) { db in
                        try GuardianOperations.applyMeta(meta, from: proposer, threshold: threshold, db: db)
                    }
                    Self.log(applied, from: proposer, height: height, logger: logger)
                case .shutdownRequest(let request):
                    let applied = try GuardianOperations.applying(db) { db in
                        try GuardianOperations.applyShutdownRequest(
                            request, from: proposer, atHeight: height, threshold: threshold, db: db)
                    }
                    Self.log(applied, from: proposer, height: height, logger: logger)
                    if case .shutdownAgreed(let at) = applied { outcome.shutdownAgreed = at }
                case .apiAnnouncement(let announcement):
                    let applied = try GuardianOperations.applying(db) { db in
                        try GuardianOperations.applyAnnouncement(announcement, keys: announcementKeys, db: db)
                    }
                    Self.log(applied, from: proposer, height: height, logger: logger)
                case .versionAnnouncement(let announcement):
                    let applied = try GuardianOperations.applying(db) { db in
                        try GuardianOperations.applyVersionAnnouncement(
                            announcement, from: proposer, atHeight: height, guardians: guardians, components: components, db: db)
                    }
                    Self.log(applied, from: proposer, height: height, logger: logger)
                    if case .versionsActivated(let activated) = applied { outcome.activatedVersions += activated }
                case .module(let moduleItem):
                    guard let module = modules[moduleItem.module] else { continue }
                    do {
                        try db.inSavepoint { try module.processConsensusItem(moduleItem.payload, from: proposer, db: db) }
                    } catch {
                        // The savepoint was rolled back: nothing of the item is kept.
                        guard case .reject(let why) = ProcessingFailure.classify(error) else { throw error }
                        if why.code == ProcessingFailure.unexpectedCode {
                            logger.warning("skipping a consensus item of module \(moduleItem.module) from \(proposer): \(why.message)")
                        }
                    }
                }
            }
            var haltedReason: String? = nil
            do {
                let audit = try Self.audit(modules: modules, db: db)
                outcome.audit = audit
                if !audit.total.isSolvent {
                    haltedReason = "audit failed after block \(height): liabilities \(audit.total.liabilities) exceed assets \(audit.total.assets)"
                }
            } catch {
                guard case .reject = ProcessingFailure.classify(error) else { throw error }
                haltedReason = "audit failed after block \(height): \(error)"
            }
            outcome.stopsHere = try GuardianOperations.scheduledShutdown(db) == height
            outcome.stateDigest = try StateDigests.record(
                height: height, transactions: outcome.transactions, modules: modules, db: db)
            try db.execute(
                "UPDATE server_cursor SET next_height = ?, halted_reason = ? WHERE id = 0",
                [(height + 1).storedInteger("next_height"), haltedReason])
            outcome.haltedReason = haltedReason
            return outcome
        }
        if let reason = outcome?.haltedReason {
            logger.critical("GUARDIAN HALTED: \(reason). No further block will be applied; investigate before restarting.")
        }
        return outcome
    }

    static func log(_ applied: GuardianOperations.Applied, from proposer: PeerID, height: UInt64, logger: Logger) {
        switch applied {
        case .stored: break
        case .metaAgreed(let meta): logger.notice("block \(height): federation meta revision \(meta.revision) agreed")
        case .shutdownAgreed(let at): logger.notice("block \(height): every guardian stops after block \(at) (scheduled shutdown)")
        case .announced(let announcement):
            logger.notice("block \(height): \(announcement.peer) announced its API at \(announcement.url) (sequence \(announcement.sequence))")
        case .versionsActivated(let activated):
            for activation in activated {
                logger.notice(
                    "block \(height): every guardian supports \(activation.component) consensus version \(activation.version); active from block \(activation.height)")
            }
        case .rejected(let why): logger.warning("block \(height): refused an operations item from \(proposer): \(why)")
        }
    }

    /// What the stateless checks said about one item of a block.
    enum StatelessVerdict: Sendable {
        case verified(StatelessChecks.Verified)
        case rejected(TransactionRejection)
        case unauthorized(TransactionRejection)
    }

    /// The stateless verdict of every transaction among `items` (by index; `nil` for other items). Throws only an
    /// environmental failure.
    static func statelessVerdicts(
        _ items: [FederationItem?], modules: [ModuleInstanceID: any ServerModule], committed: StatelessChecks.CommittedState
    ) throws -> [StatelessVerdict?] {
        try items.map { item in
            guard case .transaction(let transaction) = item else { return nil }
            return try statelessVerdict(transaction, modules: modules, committed: committed)
        }
    }

    static func statelessVerdict(
        _ transaction: Transaction, modules: [ModuleInstanceID: any ServerModule], committed: StatelessChecks.CommittedState
    ) throws -> StatelessVerdict {
        do {
            return .verified(try StatelessChecks.verify(transaction, modules: modules, committed: committed))
        } catch let copy as StatelessChecks.UnauthorizedCopy {
            return .unauthorized(copy.rejection)
        } catch {
            guard case .reject(let rejection) = ProcessingFailure.classify(error) else { throw error }
            return .rejected(rejection)
        }
    }

    // MARK: - Transactions

    /// Checks `transaction` against committed state without changing it: what `submit_transaction` answers at once.
    /// Returns `.accepted` at once if the txid was already accepted.
    ///
    /// The costly checks hold no transaction: the stateless checks run on a verification queue (refused with
    /// ``ProcessingError/busy(_:)`` when it is full), the stateful ones in a read transaction, which (SQLite's WAL,
    /// PostgreSQL's repeatable read) runs beside the writer on a snapshot (any write, even one rolled back later,
    /// would wait for the single writer). Modules check statefully with their read-only forms (``ServerModule/verifyInputs(_:db:)``,
    /// ``ServerModule/verifyOutput(_:outPoint:db:)``); a rejection there is confirmed in a rolled-back savepoint.
    public func precheck(_ transaction: Transaction) async throws -> TransactionOutcome {
        if let recorded = try await outcome(of: transaction.txid) { return recorded }
        let verdict = try await check(transaction)
        // The transaction's own block may have been applied after the look-up above: the checks then met its inputs
        // spent by itself. Its recorded outcome is the answer (a client told 'note already spent' about its own
        // accepted reissue records it as failed).
        if case .rejected = verdict, let recorded = try await outcome(of: transaction.txid) { return recorded }
        return verdict
    }

    private func check(_ transaction: Transaction) async throws -> TransactionOutcome {
        let modules = modules
        // Any committed state will do here (the verdict is advisory): a proof deferred from it is checked after the
        // stateful check below, whatever that later snapshot says.
        let committed = StatelessChecks.CommittedState(database: database, height: nil)
        let verdict = try await queues.forSubmission(transaction, modules: modules).run {
            try Self.statelessVerdict(transaction, modules: modules, committed: committed)
        }
        switch verdict {
        case .rejected(let rejection), .unauthorized(let rejection): return .rejected(rejection)
        case .verified(let verified):
            let readOnly = try await database.read { db in
                try Self.statefulOutcome(transaction, verified: verified, modules: modules, db: db, applying: false)
            }
            guard case .rejected = readOnly else { return .accepted }
            // A read-only check cannot see what a transaction's inputs do for its outputs (a peg-in funding a
            // peg-out of the same transaction), so a rejection is confirmed by applying the stateful part in a
            // savepoint that is rolled back. Only that part takes the writer (look-ups and a peg-out plan:
            // milliseconds), and only for a transaction whose signatures and proofs all verified.
            return try await database.write { db in
                try db.inRolledBackSavepoint {
                    try Self.statefulOutcome(transaction, verified: verified, modules: modules, db: db, applying: true)
                }
            }
        }
    }

    /// The stateful check's verdict; rethrows an environmental failure.
    static func statefulOutcome(
        _ transaction: Transaction, verified: StatelessChecks.Verified, modules: [ModuleInstanceID: any ServerModule],
        db: any StorageReading, applying: Bool
    ) throws -> TransactionOutcome {
        do {
            try checkStateful(transaction, verified: verified, modules: modules, db: db, applying: applying)
            return .accepted
        } catch {
            guard case .reject(let rejection) = ProcessingFailure.classify(error) else { throw error }
            return .rejected(rejection)
        }
    }

    /// The recorded outcome of `txid`, or `nil` if no copy its spenders signed has been processed.
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

    /// This guardian's state digest after block `height`, if it has one.
    public func stateDigest(at height: UInt64) async throws -> Hash256? {
        try await database.read { db in try StateDigests.digest(at: height, db: db) }
    }

    /// The newest API URL announcement of every guardian that made one (``APIAnnouncement``).
    public func apiAnnouncements() async throws -> [APIAnnouncement] {
        try await database.read { db in try GuardianOperations.announcements(db) }
    }

    /// The stored sequence of `peer`'s announcement, if it made one.
    public func apiAnnouncementSequence(of peer: PeerID) async throws -> UInt64? {
        try await database.read { db in try GuardianOperations.announcementSequence(of: peer, db) }
    }

    /// The agreed meta, the agreed shutdown and the open proposals (``GuardianOperations``).
    public func operationsStatus() async throws -> OperationsStatus {
        try await database.read { db in try GuardianOperations.status(db, nextHeight: try Self.cursor(db).nextHeight) }
    }

    /// The components that carry a consensus version: the core and every module kind the federation runs.
    public var versionedComponents: [String] {
        [ConsensusVersions.core] + Set(modules.values.map(\.kind.rawValue)).sorted()
    }

    /// Who supports which consensus version and what is active (``GuardianOperations``).
    public func consensusVersionStatus() async throws -> ConsensusVersionStatus {
        let components = versionedComponents
        return try await database.read { db in try GuardianOperations.versionStatus(db, components: components) }
    }

    /// The agreed shutdown height, if one was ever agreed (reached or ahead).
    public func scheduledShutdown() async throws -> UInt64? {
        try await database.read { db in try GuardianOperations.scheduledShutdown(db) }
    }

    /// The latest state digest and the mismatches reported so far.
    public func stateDigestStatus() async throws -> StateDigestStatus {
        try await database.read { db in try StateDigests.status(db) }
    }

    /// Every module's audit in the committed state and their total.
    public func audit() async throws -> FederationAudit {
        let modules = modules
        return try await database.read { db in try Self.audit(modules: modules, db: db) }
    }

    /// Applies a statelessly verified transaction in a savepoint of `db`: its outcome, with nothing of it kept if it
    /// is rejected. Rethrows an environmental failure (the block must be aborted).
    static func applyStateful(
        _ transaction: Transaction, verified: StatelessChecks.Verified, modules: [ModuleInstanceID: any ServerModule],
        db: any StorageWriting
    ) throws -> TransactionOutcome {
        do {
            try db.inSavepoint { try checkStateful(transaction, verified: verified, modules: modules, db: db, applying: true) }
            return .accepted
        } catch {
            // The savepoint was rolled back: nothing of the transaction is kept.
            guard case .reject(let rejection) = ProcessingFailure.classify(error) else { throw error }
            return .rejected(rejection)
        }
    }

    /// The stateful part of checking a transaction whose stateless checks passed (`verified` came from them): per
    /// module, the state checks (`applying`: and writes) of its inputs, then the proofs it deferred
    /// (``ServerModule/deferredProofs(_:committed:)``: only for inputs those checks accepted); then the outputs and
    /// the balance.
    static func checkStateful(
        _ transaction: Transaction, verified: StatelessChecks.Verified, modules: [ModuleInstanceID: any ServerModule],
        db: any StorageReading, applying: Bool
    ) throws {
        let txid = transaction.txid
        let inputMetas = verified.metas
        for group in try StatelessChecks.inputGroups(transaction, modules: modules) {
            if applying {
                _ = try group.module.processInputs(group.payloads, db: try Self.writable(db))
            } else {
                _ = try group.module.verifyInputs(group.payloads, db: db)
            }
            if let deferred = verified.deferredProofs[group.module.instance] { try group.module.verifyInputProofs(deferred) }
        }
        var inputTotal = Amount.zero
        var fees = Amount.zero
        var outputTotal = Amount.zero
        do {
            for meta in inputMetas {
                inputTotal = try inputTotal.adding(meta.amount)
                fees = try fees.adding(meta.fee)
            }
            for (index, output) in transaction.outputs.enumerated() {
                guard let module = modules[output.module] else { throw TransactionCheck.unknownModule(output.module) }
                let outPoint = OutPoint(txid: txid, outIndex: UInt64(index))
                let meta = try applying
                    ? module.processOutput(output.payload, outPoint: outPoint, db: try Self.writable(db))
                    : module.verifyOutput(output.payload, outPoint: outPoint, db: db)
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

    /// The write transaction `checkStateful` was handed when it applies (a read transaction only ever verifies).
    private static func writable(_ db: any StorageReading) throws -> any StorageWriting {
        guard let writing = db as? any StorageWriting else {
            throw StorageError(.misuse, "a transaction was applied in a read-only transaction")
        }
        return writing
    }

    static func audit(modules: [ModuleInstanceID: any ServerModule], db: any StorageReading) throws -> FederationAudit {
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

    static func cursor(_ db: any StorageReading) throws -> Cursor {
        guard let row = try db.fetchOne("SELECT next_height, halted_reason FROM server_cursor WHERE id = 0") else {
            throw StorageError(.decoding, "server_cursor has no row (the v1 migration inserts it)")
        }
        return Cursor(nextHeight: try row.unsigned("next_height"), haltedReason: try row.optionalText("halted_reason"))
    }

    static func recordedOutcome(_ txid: TransactionID, db: any StorageReading) throws -> TransactionOutcome? {
        guard let row = try db.fetchOne("SELECT accepted, code, message FROM server_transactions WHERE txid = ?", [txid.hash.bytes])
        else { return nil }
        if try row.bool("accepted") { return .accepted }
        return .rejected(
            TransactionRejection(code: try row.optionalText("code") ?? "rejected", message: try row.optionalText("message") ?? ""))
    }

    static func record(_ txid: TransactionID, _ outcome: TransactionOutcome, height: UInt64, db: any StorageWriting) throws {
        var code: String? = nil
        var message: String? = nil
        if case .rejected(let rejection) = outcome {
            code = rejection.code
            message = rejection.message
        }
        try db.execute(
            "INSERT INTO server_transactions (txid, accepted, code, message, height) VALUES (?, ?, ?, ?, ?)",
            [txid.hash.bytes, outcome.isAccepted, code, message, height.storedInteger("height")])
    }
}

/// What applying one block did.
public struct BlockOutcome: Sendable {
    public let height: UInt64
    public var transactions: [ProcessedTransaction] = []
    public var audit = FederationAudit(modules: [], total: .empty)
    public var haltedReason: String?
    /// The state digest after this block (``StateDigests``).
    public var stateDigest = StateDigests.genesis
    /// Reports in this block from guardians whose digest differs from ours.
    public var digestMismatches: [DigestMismatch] = []
    /// The shutdown height agreed in this block, if one was.
    public var shutdownAgreed: UInt64?
    /// Whether this block is the agreed shutdown height: the guardian stops after it.
    public var stopsHere = false
    /// The consensus versions this block activated (each applies from the next block on).
    public var activatedVersions: [ConsensusVersionStatus.Activation] = []

    init(height: UInt64) { self.height = height }
}

/// One transaction of a block and what became of it.
public struct ProcessedTransaction: Hashable, Sendable {
    public let txid: TransactionID
    public let outcome: TransactionOutcome
    /// False for a copy whose signatures did not verify: its rejection is not the txid's outcome.
    public let recorded: Bool
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
    /// A verification queue is full (``VerificationQueue``): try again shortly.
    case busy(String)
    /// A transaction of a block had no stateless verdict (a bug; rejects the transaction deterministically).
    case missingVerdict

    public var category: FailureCategory {
        switch self {
        case .busy: .unreachable
        default: .failed
        }
    }
    public var code: String {
        switch self {
        case .halted: "guardian_halted"
        case .outOfOrder: "block_out_of_order"
        case .busy: "guardian_busy"
        case .missingVerdict: "processing_failed"
        }
    }
    public var description: String {
        switch self {
        case .halted(let reason): "processing is halted: \(reason)"
        case .outOfOrder(let expected, let found): "block \(found) arrived but block \(expected) is next"
        case .busy(let queue): "the guardian's \(queue) verification queue is full; try again shortly"
        case .missingVerdict: "the transaction was not verified before it was applied"
        }
    }
}
