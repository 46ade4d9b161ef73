import Foundation
public import GRDB

/// The storage interface over SQLite: a ``SQLiteDatabase`` (one file, WAL, `synchronous = FULL`, readers beside the
/// single writer), whose GRDB migrator and ledger apply the storage schemas too, under the same identifiers
/// (`<prefix>/<name>`) that SQLite databases in the field already record.
public final class SQLiteStorage: Storage {
    public let database: SQLiteDatabase

    /// Opens or creates the database at `path` and applies the pending migrations of `legacySchemas` (subsystems
    /// still on GRDB) and `schemas`, in that order.
    public init(path: String, schemas: [StorageSchema], legacySchemas: [SubsystemSchema] = []) throws(DatabaseSetupError) {
        database = try SQLiteDatabase(path: path, schemas: legacySchemas + schemas.map(SubsystemSchema.init))
    }

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public var dialect: SQLDialect { .sqlite }


    @discardableResult
    public func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T {
        try await database.write(durability: durability) { db in try StorageTransaction.run(over: db) { try body($0) } }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T {
        try await database.read { db in try StorageTransaction.run(over: db) { try body($0) } }
    }


    @discardableResult
    public func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T {
        try database.writeNow { db in try StorageTransaction.run(over: db) { try body($0) } }
    }

    public func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T {
        try database.readNow { db in try StorageTransaction.run(over: db) { try body($0) } }
    }
}

extension StorageTransaction {
    /// The interface over a GRDB `Database` already inside a transaction (the one the guardian hands a module while
    /// it applies a block): statements run on it directly; savepoints nest inside the caller's.
    public convenience init(_ db: Database) {
        self.init(runner: GRDBStatementRunner(db: db))
    }

    /// Runs `body` on a transaction over `db` and ends it; GRDB commits or rolls back around this. This is how the
    /// guardian, still on GRDB, hands a module its transaction (or savepoint): a body that swallowed a failed
    /// statement throws `transactionAborted` here, which aborts the block.
    public static func run<T>(over db: Database, _ body: (StorageTransaction) throws -> T) throws -> T {
        let transaction = StorageTransaction(db)
        do {
            let value = try body(transaction)
            try transaction.finish()
            return value
        } catch {
            transaction.abandon()
            throw error
        }
    }
}

extension SubsystemSchema {
    /// A storage schema run by GRDB's migrator, under the same identifiers.
    public init(_ schema: StorageSchema) {
        self.init(prefix: schema.prefix, migrations: schema.migrations.map { migration in
            SchemaMigration(migration.name) { db in try StorageTransaction.run(over: db) { try migration.migrate($0) } }
        })
    }
}

/// Runs portable statements on a GRDB connection (SQLite takes them as written).
struct GRDBStatementRunner: StatementRunner {
    let db: Database

    var dialect: SQLDialect { .sqlite }

    func run(_ statement: PortableStatement, _ arguments: ArraySlice<StorageValue>, wantsRows: Bool) throws(StorageError)
        -> StatementResult
    {
        do {
            let bound = StatementArguments(arguments.map(\.databaseValue))
            // Module SQL is static: GRDB keeps each prepared statement per connection (review 7: preparing anew
            // made a 1,000-row recovery page ~7× slower and added a prepare per output under the writer).
            let prepared = try db.cachedStatement(sql: statement.text)
            if wantsRows {
                let rows = try Row.fetchAll(prepared, arguments: bound)
                return StatementResult(rows: try rows.map(Self.storageRow), changes: 0)
            }
            try prepared.execute(arguments: bound)
            // sqlite3_changes() keeps the last INSERT/UPDATE/DELETE's count across other statements.
            let changes = ["INSERT", "UPDATE", "DELETE"].contains(statement.verb) ? db.changesCount : 0
            return StatementResult(rows: [], changes: changes)
        } catch let error as StorageError {
            throw error
        } catch let error as DatabaseError {
            throw Self.classify(error)
        } catch {
            throw StorageError(.backend, "\(error)")
        }
    }

    private static func storageRow(_ row: Row) throws(StorageError) -> StorageRow {
        var columns: [String] = []
        var values: [StorageValue] = []
        for (column, value) in row {
            columns.append(column)
            switch value.storage {
            case .null: values.append(.null)
            case .int64(let integer): values.append(.integer(integer))
            case .string(let text): values.append(.text(text))
            case .blob(let data): values.append(.blob(Array(data)))
            case .double: throw StorageError(.decoding, "column \(column) holds a REAL, outside the portable subset")
            }
        }
        return StorageRow(columns: columns, values: values)
    }

    /// Only the answers PostgreSQL gives alike for the same data are deterministic: a constraint refusing a row.
    /// `MISMATCH` (a non-integer rowid), `TOOBIG` (SQLite's own length limit) and `RANGE` (a bind index) have no
    /// PostgreSQL twin that rejects the same item (review 8), so they are `backend`: the block is aborted, never
    /// decided differently from a PostgreSQL guardian.
    static func classify(_ error: DatabaseError) -> StorageError {
        let message = "\(error.message ?? "\(error.resultCode)") (\(error.extendedResultCode))"
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: return StorageError(.uniqueViolation, message)
        default: break
        }
        switch error.resultCode {
        case .SQLITE_CONSTRAINT: return StorageError(.constraintViolation, message)
        default: return StorageError(.backend, message)
        }
    }
}

extension StorageValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}

extension Database {
    /// Runs `body` on a storage transaction over this GRDB connection (already in a transaction or savepoint):
    /// how the guardian, still on GRDB, hands its modules their storage (``StorageTransaction/run(over:_:)``).
    public func withStorage<T>(_ body: (any StorageWriting) throws -> T) throws -> T {
        try StorageTransaction.run(over: self) { try body($0) }
    }
}
