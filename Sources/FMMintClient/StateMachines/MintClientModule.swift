import FMClientCore
import FMCore
import FMDatabase
import FMEncoding
import FMMintCommon
import FMSecp256k1
import Foundation
public import GRDB

/// The mint's client module: notes in the client database, and the operations that move them
/// (BRIEF §3, §7) as persisted ``MintIssuance`` state machines.
public struct MintClientModule: ClientModule {
    public static let kind = MintKind.kind
    public static let schema = MintNoteStore.schema
    public static let operationKinds: [OperationKind] = [MintIssuance.kind, MintSpend.kind]

    public let instance: ModuleInstanceID
    public let config: MintClientConfig
    let context: ClientModuleContext

    public init(context: ClientModuleContext) throws {
        instance = context.instance
        config = try context.config.decode(MintClientConfig.self)
        self.context = context
    }

    /// Derived when an operation needs it, not at open: it needs the wallet's seed (``DeferredSecret``).
    var derivation: NoteDerivation {
        NoteDerivation(derivedSecret: context.secret.purpose("mint").bytes("note-derivation", count: NoteDerivation.secretLength))
    }

    var environment: MintIssuance.Environment {
        MintIssuance.Environment(
            api: context.api, config: config, derivation: derivation, federationId: context.federation.federationId,
            module: instance)
    }

    public func balance(in db: Database) throws -> Amount { try MintNoteStore.balance(in: db) }

    public func resume(_ operation: OperationRecord) async throws -> OperationRecord {
        switch operation.kind {
        case MintIssuance.kind:
            return try await context.executor.drive(MintIssuance.self, id: operation.id, environment: environment)
        case MintSpend.kind:
            return try await context.executor.drive(MintSpend.self, id: operation.id, environment: ())
        default:
            throw OperationError.unsupportedKind(operation.kind)
        }
    }

    /// Restores the notes issued to this wallet from a snapshot and the federation's issuance log after it
    /// (``MintRecovery``).
    public func recover(_ request: RecoveryRequest) async throws -> JSONValue {
        let recovery = MintRecovery(api: context.api, config: config, derivation: derivation, module: instance)
        return try JSONValue(try await recovery.run(into: context.database, request: request))
    }

    /// The mint's part of a wallet snapshot (``MintSnapshot``). The log cursor is read first: any output of a
    /// transaction submitted after the state is read lands at or after it, and none is in flight while the state
    /// is read (checked in the same read transaction).
    public func snapshot() async throws -> [UInt8]? {
        let cursor = try await context.api.issuanceLogLowerBound()
        let instance = self.instance
        let denominations = config.denominations.map(\.denomination)
        return try await context.database.read { db in
            // An out-of-band spend has no output in flight, even while it waits to be redeemed or reclaimed.
            let running = try OperationLog.runningCount(excluding: [MintSpend.kind], in: db)
            guard running == 0 else { throw BackupError.pendingOperations(running) }
            // Every spend still reclaimable goes in (its notes are in neither the notes nor the history after the
            // cursor: left out, it could never be reclaimed after a recovery); the newest others fill the rest.
            let outstanding = try MintOutstandingSpends.reclaimableSpends(in: db)
            guard outstanding.count <= MintSnapshot.maxSpends else {
                throw BackupError.tooManyOutstandingSpends(count: outstanding.count, limit: MintSnapshot.maxSpends)
            }
            var next: [Denomination: UInt64] = [:]
            for denomination in denominations {
                let index = try DerivationIndices.next(module: instance, purpose: Self.notePurpose(denomination), in: db)
                if index > 0 { next[denomination] = index }
            }
            return MintSnapshot(
                cursor: cursor, nextIndices: next, notes: try MintNoteStore.spendable(in: db),
                spends: try OperationLog.export(
                    kind: MintSpend.kind, first: outstanding, limit: MintSnapshot.maxSpends, in: db)
            ).canonicalBytes
        }
    }

    /// The derivation-index purpose of notes of `denomination` (what recovery raises).
    static func notePurpose(_ denomination: Denomination) -> String { "note-\(denomination.exponent)" }

    // MARK: - Starting operations

    /// Receives a note string: validates it offline against the federation's keys, then reissues every
    /// note into fresh notes of this client at once, so the sender can no longer spend them. Refused, with
    /// nothing spent, when the fees would take all of the value or more than `maxFee`.
    public func reissue(_ notes: NoteString, maxFee: FeeLimit? = nil) async throws -> OperationID {
        guard notes.federationId == context.federation.federationId else {
            throw MintClientError.otherFederation(notes.federationId)
        }
        let invalid = try notes.invalidNotes(federationId: context.federation.federationId, config: config)
        guard invalid.isEmpty else { throw MintClientError.invalidNotes(invalid) }
        let plan = try receivePlan(value: notes.total, noteCount: notes.notes.count, maxFee: maxFee)
        return try await start(inputs: notes.notes.map(input(_:)), outputs: plan.changeOutputs, reserving: [])
    }

    /// The plan that reissues notes worth `value` into this wallet (what a receiver, or a reclaim, pays): refused
    /// when the fees would leave nothing or exceed `maxFee`.
    public func receivePlan(value: Amount, noteCount: Int, maxFee: FeeLimit? = nil) throws -> ReissuePlan {
        let plan: ReissuePlan
        do { plan = try ReissuePlan(inputTotal: value, inputCount: noteCount, target: .zero, config: config) } catch {
            guard case .insufficientNotes(_, let need) = error else { throw error }
            throw MintClientError.feesTakeAll(value: value, fee: need)
        }
        guard plan.fee < value else { throw MintClientError.feesTakeAll(value: value, fee: plan.fee) }
        if let maxFee, plan.fee > maxFee.limit(on: value) {
            throw MintClientError.feeAboveLimit(value: value, fee: plan.fee, limit: maxFee)
        }
        return plan
    }

    /// The input that spends `note`.
    func input(_ note: SpendableNote) -> ClientInput {
        ClientInput(
            item: ModuleItem(module: instance, encoding: MintInput.note(note.note)), amount: note.amount,
            fee: config.fees.perInput, spendKey: note.spendKey)
    }

    /// **Development only**: creates `amount` of e-cash from nothing (minus fees); a federation accepts
    /// it only when its config has `dev_mode: true`.
    public func devIssue(_ amount: Amount) async throws -> OperationID {
        guard config.devMode else { throw MintClientError.notDevMode }
        let index = try await context.database.write { [instance] db in
            try DerivationIndices.reserve(module: instance, purpose: "dev-issue", in: db)
        }
        let key = context.secret.purpose("dev-issue").index(index).secp256k1Keypair()
        let input = ClientInput(
            item: ModuleItem(module: instance, encoding: MintInput.devIssue(.init(amount: amount, spendKey: key.xOnlyPublicKey))),
            amount: amount, fee: config.fees.perInput, spendKey: key)
        let plan = try ReissuePlan(inputTotal: amount, inputCount: 1, target: .zero, config: config)
        return try await start(inputs: [input], outputs: plan.changeOutputs, reserving: [])
    }

    /// Spends `amount` out of band. When the wallet's notes add up to it exactly, they leave the wallet at
    /// once as a note string (the ``MintSpend`` operation's result, `spent` = its id). Otherwise
    /// `reissue` = the id of a reissue that makes exact change; await it and spend again.
    ///
    /// Notes are chosen largest first (``NoteSelection``): the fewest notes, so the fewest input fees for the
    /// receiver, whose reissue fee the spend records (all of the amount when the fees would take it all; such
    /// a string cannot be reclaimed either, so it gets no reclaim time). With `reclaimAt`, the spend stays
    /// reclaimable (``MintOutstandingSpends``) and comes back to this wallet if still unredeemed at that time.
    public func spend(_ amount: Amount, reclaimAt: Date? = nil) async throws -> (spent: OperationID?, reissue: OperationID?) {
        let spendable = try await context.database.read { db in try MintNoteStore.listSpendable(in: db) }
        var selection = try NoteSelection.select(from: spendable, target: amount) { $0.denomination }
        if selection.isExact {
            let id = OperationID.random()
            let notes = try await chosen(selection.selected).map(spendableNote(_:))
            let receiver = try? receivePlan(value: amount, noteCount: notes.count)
            let reclaimAt = receiver == nil ? nil : reclaimAt
            let string = NoteString(federationId: context.federation.federationId, notes: notes)
            try await context.database.write { db in
                try MintNoteStore.reserve(notes.map(\.note), for: id, in: db)
                try MintNoteStore.removeReserved(id, in: db)
                try OperationLog.insert(
                    MintSpend(amount: amount, notes: string.description, receiverFee: receiver?.fee ?? amount, reclaimAfter: reclaimAt),
                    id: id, in: db)
                if let reclaimAt { try MintOutstandingSpends.insert(id, amount: amount, reclaimAt: reclaimAt, in: db) }
            }
            return (id, nil)
        }
        // A reissue for exact change pays fees: select notes that cover the amount and the fees of the plan,
        // growing the reserve for fees until the plan fits (or the wallet cannot cover it).
        var fitting: ReissuePlan?
        while fitting == nil {
            let failure: MintError
            do {
                fitting = try ReissuePlan(
                    inputTotal: selection.total, inputCount: selection.selected.count, target: amount, config: config)
                continue
            } catch { failure = error }
            guard case .insufficientNotes(_, let need) = failure, need > selection.total else { throw failure }
            selection = try NoteSelection.select(from: spendable, target: need) { $0.denomination }
        }
        let notes = try await chosen(selection.selected)
        let inputs = notes.map { input(spendableNote($0)) }
        let plan = fitting!
        let reissue = try await start(
            inputs: inputs, outputs: plan.targetOutputs + plan.changeOutputs, reserving: notes.map(\.note))
        return (nil, reissue)
    }

    /// Drives a mint operation to its end.
    public func await(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await context.executor.log.record(id) else { throw OperationError.unknown(id) }
        return try await resume(record)
    }

    /// The chosen notes in full (the start of the operation reserves them, refusing any taken meanwhile).
    func chosen(_ listed: [MintNoteStore.ListedNote]) async throws -> [MintNoteStore.StoredNote] {
        try await context.database.read { db in try MintNoteStore.spendable(listed, in: db) }
    }

    func spendableNote(_ stored: MintNoteStore.StoredNote) -> SpendableNote {
        SpendableNote(
            note: stored.note, spendKey: derivation.secret(denomination: stored.note.denomination, index: stored.index).spendKey)
    }

    /// Reserves derivation indices for `outputs`, signs the transaction and persists the operation, all in
    /// one database transaction, with whatever `alsoInTransaction` records (e.g. the spend a reclaim settles).
    /// `extraOutputs` (another module's, e.g. a peg-out) follow the notes.
    func start(
        inputs: [ClientInput], outputs denominations: [Denomination], reserving notes: [Note],
        id: OperationID = .random(), extraOutputs: [ClientOutput] = [],
        alsoInTransaction: @escaping @Sendable (Database) throws -> Void = { _ in }
    ) async throws -> OperationID {
        let instance = self.instance
        let derivation = self.derivation
        let fee = config.fees.perOutput
        try await context.database.write { db in
            var planned: [MintIssuance.PlannedNote] = []
            var outputs: [ClientOutput] = []
            for (position, denomination) in denominations.enumerated() {
                let index = try DerivationIndices.reserve(module: instance, purpose: Self.notePurpose(denomination), in: db)
                let secret = derivation.secret(denomination: denomination, index: index)
                planned.append(.init(outIndex: UInt64(position), denomination: denomination, derivationIndex: index))
                outputs.append(ClientOutput(item: ModuleItem(module: instance, encoding: secret.output), amount: denomination.amount, fee: fee))
            }
            let builder = TransactionBuilder(inputs: inputs, outputs: outputs + extraOutputs)
            let transaction = try builder.build()
            // Balanced, so everything the inputs bring beyond the outputs' value is fee (in and out, every module's).
            let paid = try Amount.sum(builder.outputs.map(\.fee)).adding(try Amount.sum(inputs.map(\.fee)))
            try MintNoteStore.reserve(notes, for: id, in: db)
            let machine = MintIssuance(
                operation: id, phase: .submitting, transaction: Hex.encode(transaction.canonicalBytes), txid: transaction.txid,
                outputs: planned, failure: nil, result: nil, invalidSharePeers: [], fee: paid)
            try OperationLog.insert(machine, id: id, in: db)
            try alsoInTransaction(db)
        }
        return id
    }

    /// A running mint operation brings its planned notes in (change, a reissue, a claim, a reclaim); the notes it
    /// spends are reserved meanwhile, so they are in neither the spendable balance nor here.
    public func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight? {
        guard record.kind == MintIssuance.kind else { return nil }
        let issuance = try record.state.decode(MintIssuance.self)
        return InFlight(
            operationId: record.id, kind: record.kind, direction: .incoming,
            amountMsat: try Amount.sum(issuance.outputs.map(\.denomination.amount)), stage: issuance.phase.rawValue)
    }
}

