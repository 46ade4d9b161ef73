import Foundation
public import FMStorage
public import GRDB

#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// A guardian's (or client's) SQLite database: one file, WAL mode, shared by subsystems that each own a table prefix.
///
/// Durability: `synchronous = FULL`, so a transaction that returned is on disk even after power loss. WAL's cheaper
/// `NORMAL` may lose the last commits on power loss, and consensus must never forget a vote it already sent (it
/// could then vote differently after restart, i.e. equivocate).
///
/// Reads run concurrently with the single writer (GRDB `DatabasePool`).
public final class SQLiteDatabase: Sendable {
    /// How long a statement waits for another connection's lock before failing (SQLite's busy timeout), in seconds.
    public static let busyTimeout: TimeInterval = 10

    /// The underlying pool, for subsystems that need GRDB directly (observation, custom reads).
    public let pool: DatabasePool

    /// Opens or creates the database at `path` and applies the schemas' pending migrations, in order.
    ///
    /// Throws if a migration fails (nothing of it is kept), creates objects outside its subsystem's prefix, or if the
    /// file records applied migrations this program does not know (written by a newer version, or a migration was
    /// renamed).
    public init(path: String, schemas: [SubsystemSchema]) throws(DatabaseSetupError) {
        var prefixes: Set<String> = []
        for schema in schemas {
            try schema.validate()
            guard prefixes.insert(schema.prefix).inserted else { throw .duplicatePrefix(schema.prefix) }
        }
        try Self.restrictToOwner(path)
        Self.prepareEmptyWAL(path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process on the same file (two wallet commands at once, `fm-node backup` beside a guardian) may
        // hold a lock for a moment, e.g. while SQLite opens or checkpoints the WAL: wait for it instead of failing
        // with "database is locked".
        configuration.busyMode = .timeout(Self.busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL on the writer connection when it enables WAL; only the writer's setting matters.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        try migrate(schemas)
    }

    /// The file holds a guardian's consensus and e-cash state or a wallet's notes (bearer secrets): it is created, or
    /// tightened, to 0600 whatever the umask, before SQLite opens it. SQLite gives the `-wal` and `-shm` files it
    /// creates the database file's mode; ones left by an earlier run are tightened too.
    private static func restrictToOwner(_ path: String) throws(DatabaseSetupError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let changed = fchmod(fd, 0o600)
        let error = errno
        close(fd)
        guard changed == 0 else { throw .cannotOpen(path: path, reason: "cannot make it private: \(String(cString: strerror(error)))") }
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            guard chmod(companion, 0o600) == 0 else {
                throw .cannotOpen(path: companion, reason: "cannot make it private: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Before opening an existing database whose `-wal` file is gone (SQLite deletes it when the last connection
    /// closes), creates that file with 32 zero bytes: no valid WAL header, so SQLite reads it as an empty log (the
    /// first write puts a real header). Without it, GRDB's pool writes a dummy table to make the file exist, and
    /// that write costs fsyncs at its commit and again at the checkpoint on close (~4 fsyncs, tens of ms on a disk)
    /// for a command that only reads (`fm-mint balance --offline`, docs/benchmarks/cli-start.md). Never touches an
    /// existing `-wal` file (`O_EXCL`); a new database is left to SQLite.
    private static func prepareEmptyWAL(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0 else { return }
        let fd = open(path + "-wal", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let zeros = [UInt8](repeating: 0, count: 32)
        _ = zeros.withUnsafeBytes { bytes in posixWrite(fd, bytes.baseAddress, bytes.count) }
        close(fd)
    }

    private func migrate(_ schemas: [SubsystemSchema]) throws(DatabaseSetupError) {
        var migrator = DatabaseMigrator()
        for schema in schemas {
            for migration in schema.migrations {
                let prefix = schema.prefix
                let name = migration.name
                migrator.registerMigration(schema.identifier(of: migration)) { db in
                    let before = try Self.schemaObjects(db)
                    try migration.migrate(db)
                    let outside = try Self.schemaObjects(db).subtracting(before).filter { !$0.hasPrefix(prefix + "_") }
                    if !outside.isEmpty {
                        throw DatabaseSetupError.objectOutsidePrefix(
                            migration: "\(prefix)/\(name)", objects: outside.sorted(), prefix: prefix)
                    }
                }
            }
        }
        do {
            let unknown = try pool.read { db in
                try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            }
            guard unknown.isEmpty else { throw DatabaseSetupError.unknownAppliedMigrations(unknown.sorted()) }
            try migrator.migrate(pool)
        } catch let error as DatabaseSetupError {
            throw error
        } catch {
            throw .migrationFailed("\(error)")
        }
    }

    private static func schemaObjects(_ db: Database) throws -> Set<String> {
        try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    }

    // MARK: - Transactions

    /// Runs `body` in one write transaction, committed durably when it returns, rolled back if it throws.
    ///
    /// Write transactions are serialized; this suspends (without blocking a thread) until it is our turn.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write(body)
    }

    /// ``write(_:)`` with the commit's durability chosen: a ``CommitDurability/deferred`` commit does not wait for
    /// the WAL to reach the disk (`synchronous = NORMAL` for this transaction, back to `FULL` after it, on the one
    /// writer connection, so no other transaction runs in between); the next immediate commit flushes it.
    public func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        guard durability == .deferred else { return try await pool.write(body) }
        return try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            var value: T?
            try db.inTransaction {
                value = try body(db)
                return .commit
            }
            return value!
        }
    }

    /// Runs `body` in one write transaction, blocking the calling thread until it is committed.
    ///
    /// For synchronous contexts (setup, tests); prefer ``write(_:)`` on async paths.
    public func writeNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` with a consistent snapshot of the committed data.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// Runs `body` with a consistent snapshot, blocking the calling thread.
    public func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
