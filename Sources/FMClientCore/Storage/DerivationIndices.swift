import FMCore
import FMDatabase
public import GRDB

/// The next unused derivation index per (module instance, purpose): each secret the client derives
/// (a note's spend key and blinding factor…) uses an index once, and recovery scans indices upward
/// from zero.
public enum DerivationIndices {
    /// Reserves `count` consecutive indices and returns the first. Runs inside the caller's write
    /// transaction, so the reservation commits together with the state that uses it.
    public static func reserve(
        _ count: UInt64 = 1, module: ModuleInstanceID, purpose: String, in db: Database
    ) throws -> UInt64 {
        let first = try next(module: module, purpose: purpose, in: db)
        let (end, overflow) = first.addingReportingOverflow(count)
        guard !overflow else { throw StoredIntegerError(field: "next_index", value: "\(first) + \(count)") }
        try set(end, module: module, purpose: purpose, in: db)
        return first
    }

    /// The next unused index (0 if none was reserved).
    public static func next(module: ModuleInstanceID, purpose: String, in db: Database) throws -> UInt64 {
        let value = try Int64.fetchOne(
            db, sql: "SELECT next_index FROM client_derivation_indices WHERE module = ? AND purpose = ?",
            arguments: [Int64(module.rawValue), purpose])
        return try UInt64(storedInteger: value ?? 0, "next_index")
    }

    /// Moves the next index to `index` if it is below it (recovery found indices in use up to `index` − 1).
    public static func raise(to index: UInt64, module: ModuleInstanceID, purpose: String, in db: Database) throws {
        if try next(module: module, purpose: purpose, in: db) < index {
            try set(index, module: module, purpose: purpose, in: db)
        }
    }

    private static func set(_ index: UInt64, module: ModuleInstanceID, purpose: String, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO client_derivation_indices (module, purpose, next_index) VALUES (?, ?, ?)
                ON CONFLICT (module, purpose) DO UPDATE SET next_index = excluded.next_index
                """,
            arguments: [Int64(module.rawValue), purpose, index.storedInteger("next_index")])
    }
}
