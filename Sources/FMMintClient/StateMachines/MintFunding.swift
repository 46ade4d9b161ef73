import FMClientCore
import FMCore
import FMMintCommon

/// How other modules' operations move value through e-cash: a peg-in claim turns a wallet input into notes, a
/// peg-out pays a wallet output with notes. Both run as ordinary ``MintIssuance`` operations (change notes, release
/// of reserved notes on rejection), started under an id the caller chooses so that a retried start is harmless.
extension MintClientModule {
    /// Starts (once) a transaction spending `inputs` into fresh notes worth what they bring minus all fees.
    public func issueNotes(from inputs: [ClientInput], operation id: OperationID) async throws -> OperationID {
        if try await context.executor.log.record(id) != nil { return id }
        let total = try Amount.sum(inputs.map(\.amount))
        let fees = try Amount.sum(inputs.map(\.fee))
        guard total > fees else { throw MintError.insufficientNotes(have: total, need: fees) }
        let plan = try ReissuePlan(inputTotal: Amount(msats: total.msats - fees.msats), inputCount: 0, target: .zero, config: config)
        return try await start(inputs: inputs, outputs: plan.changeOutputs, reserving: [], id: id)
    }

    /// Starts (once) a transaction paying `outputs` with this wallet's notes, the change as fresh notes. The
    /// outputs come after the change notes: the first is at index ``fundedOutputIndex(_:)`` of the operation.
    public func fund(_ outputs: [ClientOutput], operation id: OperationID) async throws -> OperationID {
        if try await context.executor.log.record(id) != nil { return id }
        let needed = try Amount.sum(outputs.map(\.amount)).adding(try Amount.sum(outputs.map(\.fee)))
        let spendable = try await context.database.read { db in try MintNoteStore.listSpendable(in: db) }
        var target = needed
        while true {
            let selection = try NoteSelection.select(from: spendable, target: target) { $0.denomination }
            var fitting: ReissuePlan?
            var failure: MintError?
            do {
                fitting = try ReissuePlan(
                    inputTotal: Amount(msats: selection.total.msats - needed.msats), inputCount: selection.selected.count,
                    target: .zero, config: config)
            } catch { failure = error }
            guard let plan = fitting else {
                // The notes cover the outputs but not the fees of the change: select for the fees too.
                guard case .insufficientNotes(_, let need)? = failure else { throw failure! }
                let grown = try need.adding(needed)
                guard grown > target else { throw MintError.insufficientNotes(have: selection.total, need: grown) }
                target = grown
                continue
            }
            let notes = try await chosen(selection.selected)
            let inputs = notes.map { input(spendableNote($0)) }
            return try await start(
                inputs: inputs, outputs: plan.changeOutputs, reserving: notes.map(\.note), id: id,
                extraOutputs: outputs)
        }
    }

    /// Where the first of the funded outputs sits in the transaction of operation `id`, and that transaction's id.
    public func fundedOutputIndex(_ id: OperationID) async throws -> (txid: TransactionID, outIndex: UInt64) {
        guard let record = try await context.executor.log.record(id) else { throw OperationError.unknown(id) }
        let state = try record.state.decode(MintIssuance.self)
        return (state.txid, UInt64(state.outputs.count))
    }
}
