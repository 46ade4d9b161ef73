import FMCore
import FMCrypto
import FMMintCommon
import FMStorage

/// The reads behind the recovery endpoints (``MintAPI/recoveryPage``, ``MintAPI/recoveryShares``): the
/// issuance log as compact records, and signature shares by log sequence number.
enum MintRecoveryStore {
    /// Up to `limit` records from sequence number `from` on, concatenated: exponent (1 byte) ‖ blinded message (48).
    static func records(from: UInt64, limit: UInt32, db: any StorageReading) throws -> [UInt8] {
        guard let start = try? from.storedInteger("from") else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(Int(limit) * MintAPI.recoveryRecordBytes)
        // One page (`limit` is bounded by the endpoint), read with LIMIT: the interface has no cursors.
        let rows = try db.fetchAll(
            "SELECT denomination, blinded_message FROM mint_issued_outputs WHERE seq >= ? ORDER BY seq LIMIT ?",
            [start, Int64(limit)])
        for row in rows {
            let blinded = try row.blob("blinded_message")
            guard blinded.count == 48 else { throw MintStorageError.malformedRow("mint_issued_outputs.blinded_message") }
            out.append(try row.unsigned("denomination", as: UInt8.self))
            out.append(contentsOf: blinded)
        }
        return out
    }

    /// How many outputs the log holds (sequence numbers have no gaps).
    static func logLength(db: any StorageReading) throws -> UInt64 {
        guard let row = try db.fetchOne("SELECT COALESCE(MAX(seq) + 1, 0) AS length FROM mint_issued_outputs") else { return 0 }
        return try row.unsigned("length")
    }

    /// One logged output as the share call needs it.
    struct SharedOutput {
        let denomination: Denomination
        let blinded: BlindedMessage
        let share: BlindSignatureShare
    }

    /// This guardian's share of each logged output, in the order asked; `nil` when a sequence number is not in
    /// the log.
    static func shares(seqs: [UInt64], db: any StorageReading) throws -> [SharedOutput]? {
        var out: [SharedOutput] = []
        out.reserveCapacity(seqs.count)
        for seq in seqs {
            guard let stored = try? seq.storedInteger("seq"), let row = try db.fetchOne(
                """
                SELECT i.denomination, i.blinded_message, o.share FROM mint_issued_outputs i
                JOIN mint_output_outcomes o ON o.txid = i.txid AND o.out_index = i.out_index
                WHERE i.seq = ?
                """,
                [stored])
            else { return nil }
            out.append(SharedOutput(
                denomination: try row.denomination(in: "mint_issued_outputs"),
                blinded: try BlindedMessage(canonicalBytes: try row.blob("blinded_message")),
                share: try BlindSignatureShare(canonicalBytes: try row.blob("share"))))
        }
        return out
    }
}
