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
    let derivation: NoteDerivation

    public init(context: ClientModuleContext) throws {
        instance = context.instance
        config = try context.config.decode(MintClientConfig.self)
        self.context = context
        derivation = try NoteDerivation(moduleSecret: context.secret.purpose("mint").bytes("note-derivation", count: 64))
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
            var next: [Denomination: UInt64] = [:]
            for denomination in denominations {
                let index = try DerivationIndices.next(module: instance, purpose: Self.notePurpose(denomination), in: db)
                if index > 0 { next[denomination] = index }
            }
            return MintSnapshot(
                cursor: cursor, nextIndices: next, notes: try MintNoteStore.spendable(in: db),
                spends: try OperationLog.export(kind: MintSpend.kind, limit: MintSnapshot.maxSpends, in: db)
            ).canonicalBytes
        }
    }

    /// The derivation-index purpose of notes of `denomination` (what recovery raises).
    static func notePurpose(_ denomination: Denomination) -> String { "note-\(denomination.exponent)" }

    // MARK: - Starting operations

    /// Receives a note string: validates it offline against the federation's keys, then reissues every
    /// note into fresh notes of this client at once, so the sender can no longer spend them.
    public func reissue(_ notes: NoteString) async throws -> OperationID {
        guard notes.federationId == context.federation.federationId else {
            throw MintClientError.otherFederation(notes.federationId)
        }
        let invalid = try notes.invalidNotes(federationId: context.federation.federationId, config: config)
        guard invalid.isEmpty else { throw MintClientError.invalidNotes(invalid) }
        let inputs = notes.notes.map { note in
            ClientInput(
                item: ModuleItem(module: instance, encoding: MintInput.note(note.note)), amount: note.amount,
                fee: config.fees.perInput, spendKey: note.spendKey)
        }
        let plan = try ReissuePlan(inputTotal: notes.total, inputCount: inputs.count, target: .zero, config: config)
        return try await start(inputs: inputs, outputs: plan.changeOutputs, reserving: [])
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
    public func spend(_ amount: Amount) async throws -> (spent: OperationID?, reissue: OperationID?) {
        let spendable = try await context.database.read { db in try MintNoteStore.spendable(in: db) }
        var selection = try NoteSelection.select(from: spendable, target: amount) { $0.note.denomination }
        if selection.isExact {
            let id = OperationID.random()
            let notes = selection.selected.map(spendableNote(_:))
            let string = NoteString(federationId: context.federation.federationId, notes: notes)
            try await context.database.write { db in
                try MintNoteStore.reserve(notes.map(\.note), for: id, in: db)
                try MintNoteStore.removeReserved(id, in: db)
                try OperationLog.insert(MintSpend(amount: amount, notes: string.description), id: id, in: db)
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
            selection = try NoteSelection.select(from: spendable, target: need) { $0.note.denomination }
        }
        let inputs = selection.selected.map { stored in
            ClientInput(
                item: ModuleItem(module: instance, encoding: MintInput.note(stored.note)), amount: stored.note.amount,
                fee: config.fees.perInput, spendKey: spendableNote(stored).spendKey)
        }
        let plan = fitting!
        let reissue = try await start(
            inputs: inputs, outputs: plan.targetOutputs + plan.changeOutputs, reserving: selection.selected.map(\.note))
        return (nil, reissue)
    }

    /// Drives a mint operation to its end.
    public func await(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await context.executor.log.record(id) else { throw OperationError.unknown(id) }
        return try await resume(record)
    }

    func spendableNote(_ stored: MintNoteStore.StoredNote) -> SpendableNote {
        SpendableNote(
            note: stored.note, spendKey: derivation.secret(denomination: stored.note.denomination, index: stored.index).spendKey)
    }

    /// Reserves derivation indices for `outputs`, signs the transaction and persists the operation, all in
    /// one database transaction. `extraOutputs` (another module's, e.g. a peg-out) follow the notes.
    func start(
        inputs: [ClientInput], outputs denominations: [Denomination], reserving notes: [Note],
        id: OperationID = .random(), extraOutputs: [ClientOutput] = []
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
            let transaction = try TransactionBuilder(inputs: inputs, outputs: outputs + extraOutputs).build()
            try MintNoteStore.reserve(notes, for: id, in: db)
            let machine = MintIssuance(
                operation: id, phase: .submitting, transaction: Hex.encode(transaction.canonicalBytes), txid: transaction.txid,
                outputs: planned, failure: nil, result: nil, invalidSharePeers: [])
            try OperationLog.insert(machine, id: id, in: db)
        }
        return id
    }
}

/// An out-of-band spend: ended as soon as it is recorded; its result is the note string, kept in the
/// operation log so a lost terminal never loses the money.
public struct MintSpend: OperationStateMachine {
    public static let kind: OperationKind = "mint-spend"
    public var amount: Amount
    public var notes: String

    public var ending: OperationEnding? {
        .succeeded(result: .object(["amount_msat": .unsigned(amount.msats), "notes": .string(notes)]))
    }

    public func trigger(in environment: Void) async throws -> Never {
        preconditionFailure("a spend ends when it is recorded")
    }

    public func transition(on event: Never, in database: Database) throws -> MintSpend { switch event {} }
}

public enum MintClientError: ReportableError, Equatable {
    case otherFederation(FederationID)
    case invalidNotes([Int])
    case notDevMode
    case noteUnavailable(String)

    public var category: FailureCategory {
        switch self {
        case .otherFederation, .invalidNotes, .notDevMode: .badInput
        case .noteUnavailable: .failed
        }
    }

    public var code: String {
        switch self {
        case .otherFederation: "wrong_federation"
        case .invalidNotes: "invalid_notes"
        case .notDevMode: "not_dev_mode"
        case .noteUnavailable: "note_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .otherFederation(let id): "the notes belong to federation \(id), not to the one this client joined"
        case .invalidNotes(let indices):
            "notes at positions \(indices.map(String.init).joined(separator: ", ")) do not carry a valid federation signature"
        case .notDevMode: "dev-issue works only with a federation started in dev mode"
        case .noteUnavailable(let nonce): "note \(nonce) is already used by another operation"
        }
    }
}
