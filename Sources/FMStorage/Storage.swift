/// Which SQL a backend speaks; statements are written in the portable subset, and a migration may branch on this
/// for what the subset cannot say.
public enum SQLDialect: String, Sendable, Hashable {
    case sqlite, postgres
}

/// What a read-only transaction offers: queries over a consistent snapshot of committed state.
///
/// Not `Sendable`: a transaction belongs to the body it was handed to and ends with it.
public protocol StorageReading: AnyObject {
    var dialect: SQLDialect { get }

    /// Every row of one statement, whose `?` placeholders take `arguments` in order.
    func fetchAll(_ sql: String, _ arguments: [any StorageValueConvertible]) throws(StorageError) -> [StorageRow]
}

/// What a write transaction offers: queries, changes and savepoints.
///
/// A statement that fails aborts its innermost savepoint (or the whole transaction): every later statement throws
/// ``StorageError/Kind/transactionAborted`` until that savepoint has been rolled back, which ``inSavepoint(_:)``
/// does when its body throws. That is PostgreSQL's rule, enforced in SQLite too, so a module cannot catch a
/// failed `INSERT` and carry on in one backend only. The portable way to insert what may already be there is
/// `INSERT ... ON CONFLICT DO NOTHING` and the returned change count.
public protocol StorageWriting: StorageReading {
    /// Runs one or more `;`-separated statements (the arguments are consumed in order across them); returns how
    /// many rows the last one inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any StorageValueConvertible]) throws(StorageError) -> Int

    /// Runs `body` in a savepoint: released when it returns, rolled back (and its error rethrown) when it throws,
    /// so nothing it wrote remains while the enclosing transaction goes on.
    func inSavepoint<T>(_ body: () throws -> T) throws -> T
}

extension StorageReading {
    public func fetchAll(_ sql: String) throws(StorageError) -> [StorageRow] { try fetchAll(sql, []) }

    /// The first row, or nil. Give the statement a `LIMIT 1` (or a key) when more rows could match.
    public func fetchOne(_ sql: String, _ arguments: [any StorageValueConvertible] = []) throws(StorageError) -> StorageRow? {
        try fetchAll(sql, arguments).first
    }
}

extension StorageWriting {
    @discardableResult
    public func execute(_ sql: String) throws(StorageError) -> Int { try execute(sql, []) }
}

/// When a committed write transaction is on disk.
///
/// Either way the commit is atomic and visible to every later transaction, and survives the process being killed;
/// the two differ only on power loss or an operating-system crash, which end the process too. Commits become durable in commit order (SQLite's
/// WAL and PostgreSQL's WAL are each one sequential log), so an immediate commit also makes every deferred one before
/// it durable, and a crash loses at most a suffix of deferred commits, never one in the middle.
public enum CommitDurability: Sendable, Hashable {
    /// On disk when the commit returns (SQLite `synchronous = FULL`, PostgreSQL `synchronous_commit = on`).
    case immediate
    /// On disk at the next immediate commit or checkpoint, without waiting for a flush now (SQLite `synchronous =
    /// NORMAL` for this transaction). Only for a state the program can reach again if it is lost: one a peer or a
    /// later step recomputes. A backend whose server can crash without this process (PostgreSQL) commits it
    /// immediately: the process would go on past a commit its database no longer has.
    case deferred
}

/// A guardian's database, whatever the backend: SQLite (`SQLiteStorage` in FMDatabase) or PostgreSQL
/// (`PostgresStorage` in FMPostgres). The schemas' migrations are applied when it is opened.
///
/// Every body runs synchronously on a thread the backend chooses (never an event loop, never the Swift concurrency
/// pool for the async forms); the transaction it is handed must not escape it. A write body that throws leaves
/// nothing behind; a write body may run concurrently with read bodies, which see only committed state.
public protocol Storage: AnyObject, Sendable {
    var dialect: SQLDialect { get }

    /// Runs `body` in one write transaction (serializable in PostgreSQL), committed with `durability` when it
    /// returns. Writes are serialized; this suspends (without blocking a thread of the concurrency pool) until it is
    /// its turn.
    @discardableResult
    func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T

    /// Runs `body` with a consistent snapshot of committed state.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T

    /// ``write(_:)``, blocking the calling thread (setup, tests, code already on a storage thread).
    @discardableResult
    func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T

    /// ``read(_:)``, blocking the calling thread.
    func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T
}

extension Storage {
    /// Runs `body` in one write transaction, committed durably when it returns (``CommitDurability/immediate``).
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StorageWriting) throws -> T) async throws -> T {
        try await write(durability: .immediate, body)
    }
}
