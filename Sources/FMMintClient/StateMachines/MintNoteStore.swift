import FMClientCore
import FMCore
import FMDatabase
import FMEncoding
import FMMintCommon
import Foundation
public import GRDB

/// The mint's tables in a federation's client database (prefix `mint`): the notes this client can
/// spend. A note row holds the public note and its derivation index; its spend key is re-derived
/// from the mnemonic, never stored.
public enum MintNoteStore {
    public static let schema = SubsystemSchema(prefix: "mint", migrations: [
        SchemaMigration("v1-notes") { db in
            try db.execute(sql: """
                CREATE TABLE mint_notes (
                    nonce TEXT PRIMARY KEY,
                    exponent INTEGER NOT NULL,
                    derivation_index INTEGER NOT NULL,
                    note BLOB NOT NULL,
                    reserved_by TEXT
                );
                CREATE INDEX mint_notes_by_denomination ON mint_notes (exponent, derivation_index);
                """)
        },
        MintOutstandingSpends.migration,
    ])

    /// A stored note and the index its secrets derive from.
    public struct StoredNote: Sendable, Equatable {
        public let note: Note
        public let index: UInt64
    }

    public static func insert(_ note: Note, index: UInt64, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO mint_notes (nonce, exponent, derivation_index, note) VALUES (?, ?, ?, ?)",
            arguments: [Hex.encode(note.nonce.rawRepresentation), Int64(note.denomination.exponent), index.storedInteger("derivation_index"), Data(note.canonicalBytes)])
    }

    /// A spendable note as listed for choosing notes, without decoding the note: its signature is a G1 point whose
    /// decoding costs a square root and a subgroup check, and a wallet lists all of its notes to choose a few.
    public struct ListedNote: Sendable, Equatable {
        /// Hex of the nonce, the row's key.
        public let nonce: String
        public let denomination: Denomination
    }

    /// Notes not reserved by an operation.
    public static func spendable(in db: Database) throws -> [StoredNote] {
        try Row.fetchAll(db, sql: "SELECT note, derivation_index FROM mint_notes WHERE reserved_by IS NULL").map(stored(from:))
    }

    /// Notes not reserved by an operation, listed (``ListedNote``).
    public static func listSpendable(in db: Database) throws -> [ListedNote] {
        try Row.fetchAll(db, sql: "SELECT nonce, exponent FROM mint_notes WHERE reserved_by IS NULL").map { row in
            let exponent = try UInt8(storedInteger: row["exponent"], "exponent")
            guard exponent <= Denomination.maxExponent else {
                throw StoredIntegerError(field: "exponent", value: "\(exponent)")
            }
            return ListedNote(nonce: row["nonce"], denomination: Denomination(exponent: exponent))
        }
    }

    /// The listed notes in full, in the order given; throws ``MintClientError/noteUnavailable(_:)`` for a note that
    /// is no longer spendable (reserved or spent since it was listed). Throws too for a row whose note is not the one
    /// listed (another nonce or denomination): the notes were chosen by the listed denominations, and an exact spend
    /// must not hand over a note worth more than its amount.
    public static func spendable(_ listed: [ListedNote], in db: Database) throws -> [StoredNote] {
        try listed.map { note in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT note, derivation_index FROM mint_notes WHERE nonce = ? AND reserved_by IS NULL",
                arguments: [note.nonce])
            else { throw MintClientError.noteUnavailable(note.nonce) }
            let stored = try stored(from: row)
            guard stored.note.denomination == note.denomination, Hex.encode(stored.note.nonce.rawRepresentation) == note.nonce else {
                throw StoredIntegerError(field: "mint_notes.exponent", value: "\(note.denomination.exponent) for a note of \(stored.note.denomination)")
            }
            return stored
        }
    }

    public static func reserved(by operation: OperationID, in db: Database) throws -> [StoredNote] {
        try Row.fetchAll(
            db, sql: "SELECT note, derivation_index FROM mint_notes WHERE reserved_by = ?", arguments: [operation.description]
        ).map(stored(from:))
    }

    public static func reserve(_ notes: [Note], for operation: OperationID, in db: Database) throws {
        for note in notes {
            try db.execute(
                sql: "UPDATE mint_notes SET reserved_by = ? WHERE nonce = ? AND reserved_by IS NULL",
                arguments: [operation.description, Hex.encode(note.nonce.rawRepresentation)])
            guard db.changesCount == 1 else { throw MintClientError.noteUnavailable(note.nonce.description) }
        }
    }

    /// Puts an operation's reserved notes back (its transaction was rejected).
    public static func release(_ operation: OperationID, in db: Database) throws {
        try db.execute(sql: "UPDATE mint_notes SET reserved_by = NULL WHERE reserved_by = ?", arguments: [operation.description])
    }

    /// Deletes an operation's reserved notes (they were spent).
    public static func removeReserved(_ operation: OperationID, in db: Database) throws {
        try db.execute(sql: "DELETE FROM mint_notes WHERE reserved_by = ?", arguments: [operation.description])
    }

    public static func balance(in db: Database) throws -> Amount {
        try Amount.sum(listSpendable(in: db).map(\.denomination.amount))
    }

    private static func stored(from row: Row) throws -> StoredNote {
        let data: Data = row["note"]
        return StoredNote(note: try Note(canonicalBytes: Array(data)), index: try UInt64(storedInteger: row["derivation_index"], "derivation_index"))
    }
}
