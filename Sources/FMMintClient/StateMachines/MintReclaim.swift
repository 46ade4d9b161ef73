import FMClientCore
import FMCore
import Foundation

/// Reclaiming out-of-band spends: the wallet reissues a spend's notes to itself, in an ordinary ``MintIssuance``
/// whose end settles the spend (``MintOutstandingSpends/settle(reclaim:issued:rejection:in:)``). The federation
/// accepts exactly one transaction spending a note, so a receiver and a reclaim racing for the same notes cannot
/// both win: the loser's transaction is rejected as already spent, and nothing is counted twice.
extension MintClientModule {
    /// Reclaims spend `id` now (or finishes the reclaim under way) and returns the spend's record once settled:
    /// its result's `reclaim_status` is `reclaimed`, `redeemed` (the receiver was first) or `reclaim_failed`.
    ///
    /// - Throws: ``MintClientError/spendSettled(_:status:)`` when the spend is already reclaimed or redeemed,
    ///   ``MintClientError/feesTakeAll(value:fee:)`` when reissuing would leave nothing, or the federation's
    ///   unavailability (the reclaim then stays under way, resumed by the next command).
    public func reclaim(_ id: OperationID) async throws -> OperationRecord {
        for _ in 0..<2 {
            let spend = try await spendState(id)
            switch spend.reclaimStatus {
            case .reclaimed, .redeemed:
                throw MintClientError.spendSettled(id, status: spend.reclaimStatus!.rawValue)
            case .reclaiming:
                guard let reclaim = spend.reclaimOperation else { throw MintClientError.spendSettled(id, status: "reclaiming") }
                _ = try await self.await(reclaim)
                return try await settledRecord(id)
            case .outstanding, .reclaimFailed, nil:
                do {
                    try await startReclaim(id, spend: spend)
                    return try await settledRecord(id)
                } catch MintClientError.spendSettled {
                    continue  // another process started it a moment ago: finish that one
                }
            }
        }
        throw MintClientError.spendSettled(id, status: "reclaiming")
    }

    /// Reclaims every outstanding spend whose reclaim time has passed (what each command that reaches the
    /// federation does first), returning each spend's settled record or why it could not be reclaimed now.
    public func reclaimDue(now: Date = Date()) async throws -> [(spend: OperationID, outcome: Result<OperationRecord, any Error>)] {
        let due = try await context.database.read { db in try MintOutstandingSpends.due(at: now, in: db) }
        var outcomes: [(OperationID, Result<OperationRecord, any Error>)] = []
        for id in due {
            do { outcomes.append((id, .success(try await reclaim(id)))) } catch { outcomes.append((id, .failure(error))) }
        }
        return outcomes
    }

    /// What the spends still out are worth.
    public func reclaimable() async throws -> Amount {
        try await context.database.read { db in try MintOutstandingSpends.reclaimable(in: db) }
    }

    private func settledRecord(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await context.executor.log.record(id) else { throw OperationError.unknown(id) }
        return record
    }

    private func spendState(_ id: OperationID) async throws -> MintSpend {
        guard let record = try await context.executor.log.record(id) else { throw OperationError.unknown(id) }
        guard record.kind == MintSpend.kind else { throw MintClientError.notASpend(id) }
        return try record.state.decode(MintSpend.self)
    }

    /// Starts the reissue of the spend's notes to this wallet and marks the spend as being reclaimed, in one
    /// transaction (which throws, starting nothing, if another process marked it first).
    private func startReclaim(_ id: OperationID, spend: MintSpend) async throws {
        let notes = try NoteString(parsing: spend.notes)
        let plan = try receivePlan(value: notes.total, noteCount: notes.notes.count)
        let reclaim = OperationID.random()
        _ = try await start(inputs: notes.notes.map(input(_:)), outputs: plan.changeOutputs, reserving: [], id: reclaim) { db in
            try MintOutstandingSpends.setStatus(.reclaiming, of: id, reclaim: reclaim, in: db)
        }
        _ = try await self.await(reclaim)
    }
}
