import FMPostgres
import FMStorage
import FMTesting
import Foundation
import Testing

/// One writer per PostgreSQL database: two copies of a guardian's config directory (a guardian moved to a new host
/// while the old one still runs) must not both write one guardian's state.
@Suite struct PostgresWriterLockTests {
    static let schema = StorageSchema(prefix: "w", migrations: [
        StorageMigration("1") { tx in try tx.execute("CREATE TABLE w_blocks (height INTEGER PRIMARY KEY NOT NULL)") },
    ])
    static let options = PostgresStorage.Options(maxWait: .seconds(60), writerLockWait: .milliseconds(300))

    static func heights(_ storage: PostgresStorage) throws -> [Int64] {
        try storage.readNow { try $0.fetchAll("SELECT height FROM w_blocks ORDER BY height").map { try $0.int64(0) } }
    }

    static func refusal(_ body: () throws -> Void) -> StorageError? {
        do {
            try body()
            return nil
        } catch let error as StorageError {
            return error
        } catch {
            Issue.record("expected a StorageError, got \(type(of: error)): \(error)")
            return nil
        }
    }

    @Test func aSecondWriterOfOneDatabaseIsRefusedUntilTheFirstCloses() throws {
        let server = try TestPostgres.requireOrSkip()
        let url = try server.newDatabase()
        let first = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: Self.options)
        try first.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (1)") }

        let refused = Self.refusal { _ = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: Self.options) }
        #expect(refused?.kind == .backend, "\(String(describing: refused))")
        #expect(refused?.message.contains("another process writes to PostgreSQL database \(url.database)") == true)
        // Another database of the same server is another guardian's: no conflict.
        try PostgresStorage(url: try server.newDatabase(), password: server.password, schemas: [Self.schema], options: Self.options).close()
        // The first writer is untouched.
        try first.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (2)") }
        #expect(try Self.heights(first) == [1, 2])

        first.close()
        // Within the wait: the first's session may still be ending on the server.
        let second = try PostgresStorage(
            url: url, password: server.password, schemas: [Self.schema], options: .init(maxWait: .seconds(60), writerLockWait: .seconds(5)))
        defer { second.close() }
        try second.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (3)") }
        #expect(try Self.heights(second) == [1, 2, 3])
    }

    /// The writer's connection is cut (a network partition ends its session) and another process takes the lock:
    /// the first writer's reconnect must not write beside it.
    @Test func aWriterThatLostItsSessionDoesNotWriteBesideTheNewHolder() throws {
        let server = try TestPostgres.requireOrSkip()
        let url = try server.newDatabase()
        let first = try PostgresStorage(url: url, password: server.password, schemas: [Self.schema], options: Self.options)
        defer { first.close() }
        try first.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (1)") }

        let objid = UInt32(truncatingIfNeeded: PostgresStorage.writerLockKey)
        let ended = try server.query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(objid) AND granted "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = '\(url.database)')",
            database: url.database)
        #expect(ended.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let second = try PostgresStorage(
            url: url, password: server.password, schemas: [Self.schema], options: .init(maxWait: .seconds(60), writerLockWait: .seconds(5)))
        defer { second.close() }

        let refused = Self.refusal { _ = try first.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (2)") } }
        #expect(refused?.kind == .backend && refused?.isEnvironmental == true, "\(String(describing: refused))")
        try second.writeNow { tx in try tx.execute("INSERT INTO w_blocks (height) VALUES (3)") }
        #expect(try Self.heights(second) == [1, 3])
    }
}
