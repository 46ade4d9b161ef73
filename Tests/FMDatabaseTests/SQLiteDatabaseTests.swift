import FMDatabase
import Foundation
import GRDB
import Synchronization
import Testing

/// A fresh directory per test, removed afterwards.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fm-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

private let notesV1 = SchemaMigration("v1 create notes") { db in
    try db.execute(sql: "CREATE TABLE notes_entries (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
}
private let notesV2 = SchemaMigration("v2 add author") { db in
    try db.execute(sql: "ALTER TABLE notes_entries ADD COLUMN author TEXT")
}
private let tallyV1 = SchemaMigration("v1") { db in
    try db.execute(sql: "CREATE TABLE tally_counts (name TEXT PRIMARY KEY, count INTEGER NOT NULL)")
}

@Suite struct SQLiteDatabaseTests {
    @Test func opensInWALModeWithFullSynchronous() throws {
        let dir = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: dir.path("a.sqlite"), schemas: [])
        let journal = try database.readNow { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        let writerSync = try database.writeNow { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(journal == "wal")
        #expect(writerSync == 2)  // FULL, on the connection that commits
    }

    @Test func appliesEachSubsystemsMigrationsOnceAndAppendedOnesLater() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        do {
            let database = try SQLiteDatabase(
                path: path, schemas: [SubsystemSchema(prefix: "notes", migrations: [notesV1])])
            try database.writeNow { db in try db.execute(sql: "INSERT INTO notes_entries (body) VALUES ('kept')") }
        }
        // Reopening with an appended migration and a new subsystem applies only what is new.
        let database = try SQLiteDatabase(
            path: path,
            schemas: [
                SubsystemSchema(prefix: "notes", migrations: [notesV1, notesV2]),
                SubsystemSchema(prefix: "tally", migrations: [tallyV1]),
            ])
        let (bodies, columns, tallyExists, applied) = try database.readNow { db in
            (
                try String.fetchAll(db, sql: "SELECT body FROM notes_entries"),
                try db.columns(in: "notes_entries").map(\.name),
                try db.tableExists("tally_counts"),
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            )
        }
        #expect(bodies == ["kept"])
        #expect(columns.contains("author"))
        #expect(tallyExists)
        #expect(applied == ["notes/v1 create notes", "notes/v2 add author", "tally/v1"])
    }

    @Test func refusesADatabaseWithMigrationsItDoesNotKnow() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        _ = try SQLiteDatabase(path: path, schemas: [SubsystemSchema(prefix: "notes", migrations: [notesV1, notesV2])])
        // An older program (or a renamed migration) must not silently run on the newer schema.
        #expect(throws: DatabaseSetupError.unknownAppliedMigrations(["notes/v2 add author"])) {
            try SQLiteDatabase(path: path, schemas: [SubsystemSchema(prefix: "notes", migrations: [notesV1])])
        }
    }

    @Test func migrationCreatingTablesOutsideItsPrefixIsRolledBack() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        let sloppy = SchemaMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE sloppy_ok (x INTEGER)")
            try db.execute(sql: "CREATE TABLE other_table (x INTEGER)")
        }
        #expect(
            throws: DatabaseSetupError.objectOutsidePrefix(migration: "sloppy/v1", objects: ["other_table"], prefix: "sloppy")
        ) {
            try SQLiteDatabase(path: path, schemas: [SubsystemSchema(prefix: "sloppy", migrations: [sloppy])])
        }
        let database = try SQLiteDatabase(path: path, schemas: [])
        let leftovers = try database.readNow { db in
            try ["sloppy_ok", "other_table"].filter { try db.tableExists($0) }
        }
        #expect(leftovers.isEmpty)
    }

    @Test func rejectsBadPrefixesAndDuplicateNames() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        #expect(throws: DatabaseSetupError.invalidPrefix("Bad-Prefix")) {
            try SQLiteDatabase(path: path, schemas: [SubsystemSchema(prefix: "Bad-Prefix", migrations: [])])
        }
        #expect(throws: DatabaseSetupError.duplicateMigration(prefix: "notes", name: "v1 create notes")) {
            try SQLiteDatabase(path: path, schemas: [SubsystemSchema(prefix: "notes", migrations: [notesV1, notesV1])])
        }
        #expect(throws: DatabaseSetupError.duplicatePrefix("notes")) {
            try SQLiteDatabase(
                path: path,
                schemas: [
                    SubsystemSchema(prefix: "notes", migrations: [notesV1]),
                    SubsystemSchema(prefix: "notes", migrations: []),
                ])
        }
    }

    @Test func failedWriteTransactionLeavesNothingBehind() async throws {
        let dir = try TemporaryDirectory()
        let database = try SQLiteDatabase(
            path: dir.path("a.sqlite"), schemas: [SubsystemSchema(prefix: "tally", migrations: [tallyV1])])
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO tally_counts VALUES ('a', 1)")
                throw Abort()
            }
        }
        try await database.write { db in try db.execute(sql: "INSERT INTO tally_counts VALUES ('b', 2)") }
        let names = try await database.read { db in try String.fetchAll(db, sql: "SELECT name FROM tally_counts") }
        #expect(names == ["b"])
    }

    /// A deferred write whose task is cancelled mid-transaction leaves the writer at `synchronous = FULL` for the writes
    /// after it, or a wallet's new notes and a guardian's votes would silently stop surviving a power cut. GRDB refuses
    /// the restoring PRAGMA once the access is cancelled (CancellationError, swallowed by `try?`), yet SQLite applies
    /// `PRAGMA synchronous` while preparing it, before GRDB's check: FULL is back only because of that (review 11).
    @Test func writesAfterACancelledDeferredWriteCommitDurably() async throws {
        let dir = try TemporaryDirectory()
        let database = try SQLiteDatabase(
            path: dir.path("a.sqlite"), schemas: [SubsystemSchema(prefix: "tally", migrations: [tallyV1])])
        let inside = Atomic(false)
        let released = Atomic(false)
        let task = Task {
            try await database.write(durability: .deferred) { db in
                try db.execute(sql: "INSERT INTO tally_counts VALUES ('lost', 1)")
                inside.store(true, ordering: .sequentiallyConsistent)
                while !released.load(ordering: .sequentiallyConsistent) { usleep(1000) }
            }
        }
        while !inside.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
        task.cancel()
        released.store(true, ordering: .sequentiallyConsistent)
        await #expect(throws: CancellationError.self) { try await task.value }

        let synchronous = { @Sendable (db: Database) in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(try await database.write(synchronous) == 2)
        #expect(try database.writeNow(synchronous) == 2)
        #expect(try await database.read { db in try String.fetchAll(db, sql: "SELECT name FROM tally_counts") } == [])
    }
}
