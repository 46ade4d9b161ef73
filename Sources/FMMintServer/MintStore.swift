import FMCore
import FMCrypto
import FMDatabase
import FMMintCommon
import FMSecp256k1
import Foundation
import GRDB

/// The mint's reads and writes, one SQL statement each, on the `Database` of
/// the guardian's current transaction.
enum MintStore {
    static func isSpent(_ nonce: XOnlyPublicKey, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM mint_spent_nonces WHERE nonce = ?", arguments: [Data(nonce.rawRepresentation)]
        ) ?? false
    }

    /// Inserts the nonce into the spent set; returns false (and writes nothing)
    /// if it is already there. The primary key makes this the one place a
    /// double spend is decided.
    static func markSpent(_ nonce: XOnlyPublicKey, denomination: Denomination, db: Database) throws -> Bool {
        do {
            try db.execute(
                sql: "INSERT INTO mint_spent_nonces (nonce, denomination) VALUES (?, ?)",
                arguments: [Data(nonce.rawRepresentation), Int(denomination.exponent)])
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            return false
        }
    }

    static func storeOutcome(
        _ share: BlindSignatureShare, denomination: Denomination, outPoint: OutPoint, db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO mint_output_outcomes (txid, out_index, denomination, share) VALUES (?, ?, ?, ?)",
            arguments: [
                Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index"), Int(denomination.exponent),
                Data(share.canonicalBytes),
            ])
    }

    /// Appends an accepted output to the issuance log with the next sequence number.
    static func logIssued(_ output: MintOutput, outPoint: OutPoint, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO mint_issued_outputs (seq, txid, out_index, denomination, blinded_message)
                VALUES ((SELECT COALESCE(MAX(seq) + 1, 0) FROM mint_issued_outputs), ?, ?, ?, ?)
                """,
            arguments: [
                Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index"), Int(output.denomination.exponent),
                Data(output.blindedMessage.canonicalBytes),
            ])
    }

    /// Up to `limit` logged outputs from sequence number `from` on, in order.
    static func issued(from: UInt64, limit: UInt32, db: Database) throws -> [MintAPI.IssuedOutput] {
        // A sequence number SQLite cannot hold has no logged output.
        guard let from = try? from.storedInteger("from") else { return [] }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT seq, txid, out_index, denomination, blinded_message FROM mint_issued_outputs
                WHERE seq >= ? ORDER BY seq LIMIT ?
                """,
            arguments: [from, Int64(limit)]
        ).map { row in
            let txid: Data = row["txid"]
            let blinded: Data = row["blinded_message"]
            guard let hash = Hash256(bytes: Array(txid)) else { throw MintStorageError.malformedRow("mint_issued_outputs.txid") }
            return MintAPI.IssuedOutput(
                seq: try UInt64(storedInteger: row["seq"], "seq"),
                outPoint: OutPoint(txid: TransactionID(hash), outIndex: try UInt64(storedInteger: row["out_index"], "out_index")),
                denomination: Denomination(exponent: try UInt8(storedInteger: row["denomination"], "denomination")),
                blindedMessage: Hex.encode(Array(blinded)))
        }
    }

    /// The blinded message of a logged output.
    static func blindedMessage(at outPoint: OutPoint, db: Database) throws -> BlindedMessage? {
        guard let raw = try Data.fetchOne(
            db, sql: "SELECT blinded_message FROM mint_issued_outputs WHERE txid = ? AND out_index = ?",
            arguments: [Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index")])
        else { return nil }
        return try BlindedMessage(canonicalBytes: Array(raw))
    }

    static func outcome(at outPoint: OutPoint, db: Database) throws -> BlindSignatureShare? {
        guard let raw = try Data.fetchOne(
            db, sql: "SELECT share FROM mint_output_outcomes WHERE txid = ? AND out_index = ?",
            arguments: [Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index")])
        else { return nil }
        return try BlindSignatureShare(canonicalBytes: Array(raw))
    }

    static func total(_ name: MintTotal, db: Database) throws -> Amount {
        guard let value = try Int64.fetchOne(db, sql: "SELECT msats FROM mint_totals WHERE name = ?", arguments: [name.rawValue])
        else { throw MintStorageError.missingTotal(name.rawValue) }
        return Amount(msats: try UInt64(storedInteger: value, "mint total \(name.rawValue)"))
    }

    /// Adds to a running total with overflow checking (msat are only ever summed here, not in SQL; a total SQLite
    /// cannot store is a thrown error, never a trap).
    static func add(_ amount: Amount, to name: MintTotal, db: Database) throws {
        try store(try total(name, db: db).adding(amount), as: name, db: db)
    }

    /// Subtracts from a running total; going below zero means the stored state is inconsistent.
    static func subtract(_ amount: Amount, from name: MintTotal, db: Database) throws {
        let current = try total(name, db: db)
        guard amount <= current else { throw MintStorageError.totalBelowZero(name.rawValue, total: current, subtracting: amount) }
        try store(Amount(msats: current.msats - amount.msats), as: name, db: db)
    }

    private static func store(_ value: Amount, as name: MintTotal, db: Database) throws {
        try db.execute(
            sql: "UPDATE mint_totals SET msats = ? WHERE name = ?",
            arguments: [value.msats.storedInteger("mint total \(name.rawValue)"), name.rawValue])
    }
}

/// The mint's stored state is inconsistent; the guardian must stop, not guess.
enum MintStorageError: Error, CustomStringConvertible {
    case missingTotal(String)
    case malformedRow(String)
    case totalBelowZero(String, total: Amount, subtracting: Amount)

    var description: String {
        switch self {
        case .missingTotal(let name): "mint database is missing its '\(name)' total"
        case .malformedRow(let column): "mint database holds a malformed \(column)"
        case .totalBelowZero(let name, let total, let subtracting):
            "mint total '\(name)' is \(total.msats) msat, cannot take \(subtracting.msats) msat from it"
        }
    }
}
