import FMCore
import FMCrypto
import FMMintCommon
import FMSecp256k1
import FMStorage

/// The mint's reads and writes, one SQL statement each (the portable subset of FMStorage), on the transaction the
/// guardian hands the module.
enum MintStore {
    static func isSpent(_ nonce: XOnlyPublicKey, db: any StorageReading) throws -> Bool {
        try db.fetchOne("SELECT 1 AS spent FROM mint_spent_nonces WHERE nonce = ?", [nonce.rawRepresentation]) != nil
    }

    /// Inserts the nonce into the spent set; returns false (and writes nothing) if it is already there. The primary
    /// key makes this the one place a double spend is decided, in both backends: `ON CONFLICT DO NOTHING` leaves the
    /// existing row and changes nothing, so 0 changes means spent (a failed INSERT would abort the transaction).
    static func markSpent(_ nonce: XOnlyPublicKey, denomination: Denomination, db: any StorageWriting) throws -> Bool {
        try db.execute(
            "INSERT INTO mint_spent_nonces (nonce, denomination) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [nonce.rawRepresentation, denomination.exponent]) == 1
    }

    static func storeOutcome(
        _ share: BlindSignatureShare, denomination: Denomination, outPoint: OutPoint, db: any StorageWriting
    ) throws {
        try db.execute(
            "INSERT INTO mint_output_outcomes (txid, out_index, denomination, share) VALUES (?, ?, ?, ?)",
            [outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index"), denomination.exponent, share.canonicalBytes])
    }

    /// Appends an accepted output to the issuance log with the next sequence number.
    static func logIssued(_ output: MintOutput, outPoint: OutPoint, db: any StorageWriting) throws {
        try db.execute(
            """
            INSERT INTO mint_issued_outputs (seq, txid, out_index, denomination, blinded_message)
            VALUES ((SELECT COALESCE(MAX(seq) + 1, 0) FROM mint_issued_outputs), ?, ?, ?, ?)
            """,
            [
                outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index"), output.denomination.exponent,
                output.blindedMessage.canonicalBytes,
            ])
    }

    /// Up to `limit` logged outputs from sequence number `from` on, in order.
    static func issued(from: UInt64, limit: UInt32, db: any StorageReading) throws -> [MintAPI.IssuedOutput] {
        // A sequence number the database cannot hold has no logged output.
        guard let from = try? from.storedInteger("from") else { return [] }
        return try db.fetchAll(
            """
            SELECT seq, txid, out_index, denomination, blinded_message FROM mint_issued_outputs
            WHERE seq >= ? ORDER BY seq LIMIT ?
            """,
            [from, Int64(limit)]
        ).map { row in
            guard let hash = Hash256(bytes: try row.blob("txid")) else { throw MintStorageError.malformedRow("mint_issued_outputs.txid") }
            return MintAPI.IssuedOutput(
                seq: try row.unsigned("seq"),
                outPoint: OutPoint(txid: TransactionID(hash), outIndex: try row.unsigned("out_index")),
                denomination: try row.denomination(in: "mint_issued_outputs"),
                blindedMessage: Hex.encode(try row.blob("blinded_message")))
        }
    }

    /// The blinded message of a logged output.
    static func blindedMessage(at outPoint: OutPoint, db: any StorageReading) throws -> BlindedMessage? {
        guard let row = try db.fetchOne(
            "SELECT blinded_message FROM mint_issued_outputs WHERE txid = ? AND out_index = ?",
            [outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index")])
        else { return nil }
        return try BlindedMessage(canonicalBytes: try row.blob("blinded_message"))
    }

    /// The encoding of this guardian's share at `outPoint` as stored when it signed (48 bytes, checked).
    static func outcomeShareEncoding(at outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? {
        guard let row = try outcomeRow(at: outPoint, db: db) else { return nil }
        let share = try row.blob("share")
        guard share.count == 48 else { throw MintStorageError.malformedRow("mint_output_outcomes.share") }
        return share
    }

    /// The denomination exponent of this guardian's outcome at `outPoint`, if it has one.
    static func outcomeDenomination(at outPoint: OutPoint, db: any StorageReading) throws -> UInt8? {
        try outcomeRow(at: outPoint, db: db).map { try $0.unsigned("denomination") }
    }

    private static func outcomeRow(at outPoint: OutPoint, db: any StorageReading) throws -> StorageRow? {
        try db.fetchOne(
            "SELECT denomination, share FROM mint_output_outcomes WHERE txid = ? AND out_index = ?",
            [outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index")])
    }

    static func total(_ name: MintTotal, db: any StorageReading) throws -> Amount {
        guard let row = try db.fetchOne("SELECT msats FROM mint_totals WHERE name = ?", [name.rawValue])
        else { throw MintStorageError.missingTotal(name.rawValue) }
        return Amount(msats: try row.unsigned("msats"))
    }

    /// Adds to a running total with overflow checking (msat are only ever summed here, not in SQL; a total the
    /// database cannot store is a thrown error, never a trap).
    static func add(_ amount: Amount, to name: MintTotal, db: any StorageWriting) throws {
        try store(try total(name, db: db).adding(amount), as: name, db: db)
    }

    /// Subtracts from a running total; going below zero means the stored state is inconsistent.
    static func subtract(_ amount: Amount, from name: MintTotal, db: any StorageWriting) throws {
        let current = try total(name, db: db)
        guard amount <= current else { throw MintStorageError.totalBelowZero(name.rawValue, total: current, subtracting: amount) }
        try store(Amount(msats: current.msats - amount.msats), as: name, db: db)
    }

    private static func store(_ value: Amount, as name: MintTotal, db: any StorageWriting) throws {
        try db.execute(
            "UPDATE mint_totals SET msats = ? WHERE name = ?",
            [try value.msats.storedInteger("mint total \(name.rawValue)"), name.rawValue])
    }
}

/// The mint's stored state is inconsistent; the guardian must stop, not guess.
extension StorageRow {
    /// The row's `denomination` column, checked: a corrupt row is an error, never a trap on a public read.
    func denomination(in table: String) throws -> Denomination {
        let exponent: UInt8 = try unsigned("denomination")
        guard exponent <= Denomination.maxExponent else { throw MintStorageError.malformedRow("\(table).denomination") }
        return Denomination(exponent: exponent)
    }
}

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
