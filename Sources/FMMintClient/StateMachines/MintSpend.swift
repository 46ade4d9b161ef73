import FMClientCore
import FMCore
import FMDatabase
import Foundation
public import GRDB

/// An out-of-band spend: ended as soon as it is recorded; its result is the note string, kept in the
/// operation log so a lost terminal never loses the money.
///
/// A spend made with a reclaim time stays reclaimable until then: its reclaim fields say where it stands
/// (``MintOutstandingSpends`` keeps them and indexes the spends still out), and they appear in its result.
public struct MintSpend: OperationStateMachine {
    public static let kind: OperationKind = "mint-spend"

    public enum ReclaimStatus: String, Codable, Sendable {
        /// The receiver may still redeem the notes; after `reclaimAfter` the wallet reissues them to itself.
        case outstanding
        /// A reclaim operation (`reclaimOperation`) is under way.
        case reclaiming
        /// The notes came back to this wallet (the reclaim won).
        case reclaimed
        /// The receiver redeemed the notes (first).
        case redeemed
        /// The federation refused the reclaim for another reason (`reclaimFailure`); `fm-mint reclaim` tries again.
        case reclaimFailed = "reclaim_failed"
    }

    public var amount: Amount
    public var notes: String
    /// What the receiver pays to reissue the string (absent in spends stored before it was recorded).
    public var receiverFee: Amount?
    public var reclaimAfter: Date?
    public var reclaimStatus: ReclaimStatus?
    public var reclaimOperation: OperationID?
    public var reclaimFailure: String?

    public init(amount: Amount, notes: String, receiverFee: Amount?, reclaimAfter: Date?) {
        self.amount = amount
        self.notes = notes
        self.receiverFee = receiverFee
        self.reclaimAfter = reclaimAfter
        reclaimStatus = reclaimAfter == nil ? nil : .outstanding
    }

    public var ending: OperationEnding? {
        var result: [String: JSONValue] = ["amount_msat": .unsigned(amount.msats), "notes": .string(notes)]
        if let receiverFee { result["receiver_fee_msat"] = .unsigned(receiverFee.msats) }
        if let reclaimAfter { result["reclaim_after"] = .string(OperationLog.timestamp(reclaimAfter)) }
        if let reclaimStatus { result["reclaim_status"] = .string(reclaimStatus.rawValue) }
        if let reclaimOperation { result["reclaim_operation_id"] = .string(reclaimOperation.description) }
        if let reclaimFailure { result["reclaim_failure"] = .string(reclaimFailure) }
        return .succeeded(result: .object(result))
    }

    public func trigger(in environment: Void) async throws -> Never {
        preconditionFailure("a spend ends when it is recorded")
    }

    public func transition(on event: Never, in database: Database) throws -> MintSpend { switch event {} }
}

/// The index of spends that may still come back (table `mint_outstanding_spends`): one row per spend made with a
/// reclaim time, its status mirrored into the spend's state in the same transaction (``setStatus(_:of:reclaim:failure:in:)``
/// is the only writer of both), so `balance` and `list` never disagree.
public enum MintOutstandingSpends {
    static let migration = SchemaMigration("v2-outstanding-spends") { db in
        try db.execute(sql: """
            CREATE TABLE mint_outstanding_spends (
                operation_id TEXT PRIMARY KEY,
                amount_msat INTEGER NOT NULL,
                reclaim_at TEXT NOT NULL,
                status TEXT NOT NULL,
                reclaim_operation TEXT
            );
            CREATE INDEX mint_outstanding_by_status ON mint_outstanding_spends (status, reclaim_at);
            CREATE INDEX mint_outstanding_by_reclaim ON mint_outstanding_spends (reclaim_operation);
            """)
    }

    /// Statuses in which the notes are still out and can be reclaimed.
    public static let reclaimableStatuses = [MintSpend.ReclaimStatus.outstanding, .reclaimFailed].map(\.rawValue)

    /// Records spend `id` (just inserted with a reclaim time) as outstanding.
    static func insert(_ id: OperationID, amount: Amount, reclaimAt: Date, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO mint_outstanding_spends (operation_id, amount_msat, reclaim_at, status) VALUES (?, ?, ?, ?)",
            arguments: [id.description, try amount.msats.storedInteger("amount_msat"), OperationLog.timestamp(reclaimAt),
                        MintSpend.ReclaimStatus.outstanding.rawValue])
    }

    /// Indexes the spends a recovery restored into the operation log (from a snapshot) that are still out, with the
    /// status their state records, so the recovered wallet reclaims them when due as the lost device would have.
    static func indexRestoredSpends(in db: Database) throws {
        let ids = try String.fetchAll(
            db, sql: """
                SELECT id FROM client_operations WHERE kind = ?
                AND id NOT IN (SELECT operation_id FROM mint_outstanding_spends)
                """, arguments: [MintSpend.kind.rawValue])
        for text in ids {
            let id = try OperationID(parsing: text)
            guard let spend = try OperationLog.state(id, as: MintSpend.self, in: db), let reclaimAt = spend.reclaimAfter,
                  let status = spend.reclaimStatus, reclaimableStatuses.contains(status.rawValue) else { continue }
            try db.execute(
                sql: "INSERT INTO mint_outstanding_spends (operation_id, amount_msat, reclaim_at, status) VALUES (?, ?, ?, ?)",
                arguments: [text, try spend.amount.msats.storedInteger("amount_msat"), OperationLog.timestamp(reclaimAt),
                            status.rawValue])
        }
    }

    /// Outstanding spends whose reclaim time has come, oldest first (a reclaim that failed waits for `fm-mint reclaim`).
    public static func due(at now: Date, in db: Database) throws -> [OperationID] {
        try String.fetchAll(
            db, sql: "SELECT operation_id FROM mint_outstanding_spends WHERE status = ? AND reclaim_at <= ? ORDER BY reclaim_at",
            arguments: [MintSpend.ReclaimStatus.outstanding.rawValue, OperationLog.timestamp(now)]
        ).map { try OperationID(parsing: $0) }
    }

    /// The spends still out (reclaimable now or later), oldest reclaim time first.
    static func reclaimableSpends(in db: Database) throws -> [OperationID] {
        try String.fetchAll(
            db, sql: "SELECT operation_id FROM mint_outstanding_spends WHERE status IN (?, ?) ORDER BY reclaim_at",
            arguments: [reclaimableStatuses[0], reclaimableStatuses[1]]
        ).map { try OperationID(parsing: $0) }
    }

    /// What the spends still out are worth (reclaimable now or later).
    public static func reclaimable(in db: Database) throws -> Amount {
        let values = try Int64.fetchAll(
            db, sql: "SELECT amount_msat FROM mint_outstanding_spends WHERE status IN (?, ?)",
            arguments: [reclaimableStatuses[0], reclaimableStatuses[1]])
        return try Amount.sum(values.map { Amount(msats: try UInt64(storedInteger: $0, "amount_msat")) })
    }

    /// The spend that reclaim operation `id` reclaims, if it is one.
    static func spend(reclaimedBy id: OperationID, in db: Database) throws -> OperationID? {
        try String.fetchOne(
            db, sql: "SELECT operation_id FROM mint_outstanding_spends WHERE reclaim_operation = ?", arguments: [id.description]
        ).map { try OperationID(parsing: $0) }
    }

    /// Moves spend `id` to `status` in the index and in its state, together. Starting a reclaim (`.reclaiming`) succeeds
    /// only from a reclaimable status: of two processes reclaiming at once, the second throws and starts nothing.
    static func setStatus(
        _ status: MintSpend.ReclaimStatus, of id: OperationID, reclaim: OperationID?, failure: String? = nil, in db: Database
    ) throws {
        guard var spend = try OperationLog.state(id, as: MintSpend.self, in: db) else { throw OperationError.unknown(id) }
        if status == .reclaiming {
            // A spend made before reclaim existed (or without a reclaim time) joins the index when reclaimed by hand.
            try db.execute(
                sql: "INSERT OR IGNORE INTO mint_outstanding_spends (operation_id, amount_msat, reclaim_at, status) VALUES (?, ?, ?, ?)",
                arguments: [id.description, try spend.amount.msats.storedInteger("amount_msat"),
                            OperationLog.timestamp(spend.reclaimAfter ?? Date()), MintSpend.ReclaimStatus.outstanding.rawValue])
            try db.execute(
                sql: "UPDATE mint_outstanding_spends SET status = ?, reclaim_operation = ? WHERE operation_id = ? AND status IN (?, ?)",
                arguments: [status.rawValue, reclaim?.description, id.description, reclaimableStatuses[0], reclaimableStatuses[1]])
            guard db.changesCount == 1 else {
                throw MintClientError.spendSettled(id, status: spend.reclaimStatus?.rawValue ?? "reclaiming")
            }
        } else {
            try db.execute(
                sql: "UPDATE mint_outstanding_spends SET status = ?, reclaim_operation = ? WHERE operation_id = ?",
                arguments: [status.rawValue, reclaim?.description, id.description])
        }
        spend.reclaimStatus = status
        spend.reclaimOperation = reclaim
        spend.reclaimFailure = failure
        try OperationLog.replaceState(id, with: spend, in: db)
    }

    /// Called in the transition that ends operation `id`: if it reclaims a spend, settles that spend — reclaimed when
    /// the notes were issued, redeemed when the federation says they were already spent (the receiver won the race),
    /// reclaim failed otherwise.
    static func settle(reclaim id: OperationID, issued: Bool, rejection: String?, in db: Database) throws {
        guard let spend = try spend(reclaimedBy: id, in: db) else { return }
        if issued {
            try setStatus(.reclaimed, of: spend, reclaim: id, in: db)
        } else if let rejection, rejection.contains("already spent") {
            try setStatus(.redeemed, of: spend, reclaim: id, in: db)
        } else {
            try setStatus(.reclaimFailed, of: spend, reclaim: id, failure: rejection ?? "rejected", in: db)
        }
    }
}
