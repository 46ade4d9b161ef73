import FMCore
import FMCrypto
import FMDatabase
import FMMintCommon
import Foundation
import GRDB

/// The reads behind the recovery endpoints (``MintAPI/recoveryPage``, ``MintAPI/recoveryShares``): the
/// issuance log as compact records, and signature shares by log sequence number.
enum MintRecoveryStore {
    /// Up to `limit` records from sequence number `from` on, concatenated: exponent (1 byte) ‖ blinded message (48).
    static func records(from: UInt64, limit: UInt32, db: Database) throws -> [UInt8] {
        guard let start = try? from.storedInteger("from") else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(Int(limit) * MintAPI.recoveryRecordBytes)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT denomination, blinded_message FROM mint_issued_outputs WHERE seq >= ? ORDER BY seq LIMIT ?",
            arguments: [start, Int64(limit)])
        while let row = try rows.next() {
            let blinded: Data = row["blinded_message"]
            guard blinded.count == 48 else { throw MintStorageError.malformedRow("mint_issued_outputs.blinded_message") }
            out.append(try UInt8(storedInteger: row["denomination"], "denomination"))
            out.append(contentsOf: blinded)
        }
        return out
    }

    /// How many outputs the log holds (sequence numbers have no gaps).
    static func logLength(db: Database) throws -> UInt64 {
        try UInt64(storedInteger: Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM mint_issued_outputs") ?? 0, "seq")
    }

    /// One logged output as the share call needs it.
    struct SharedOutput {
        let denomination: Denomination
        let blinded: BlindedMessage
        let share: BlindSignatureShare
    }

    /// This guardian's share of each logged output, in the order asked; `nil` when a sequence number is not in
    /// the log.
    static func shares(seqs: [UInt64], db: Database) throws -> [SharedOutput]? {
        let statement = try db.cachedStatement(sql: """
            SELECT i.denomination, i.blinded_message, o.share FROM mint_issued_outputs i
            JOIN mint_output_outcomes o ON o.txid = i.txid AND o.out_index = i.out_index
            WHERE i.seq = ?
            """)
        var out: [SharedOutput] = []
        out.reserveCapacity(seqs.count)
        for seq in seqs {
            guard let stored = try? seq.storedInteger("seq"), let row = try Row.fetchOne(statement, arguments: [stored])
            else { return nil }
            let blinded: Data = row["blinded_message"]
            let share: Data = row["share"]
            out.append(SharedOutput(
                denomination: Denomination(exponent: try UInt8(storedInteger: row["denomination"], "denomination")),
                blinded: try BlindedMessage(canonicalBytes: Array(blinded)),
                share: try BlindSignatureShare(canonicalBytes: Array(share))))
        }
        return out
    }
}
