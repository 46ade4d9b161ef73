import FMTesting
import FMDatabase
import FMStorage
import Foundation
import GRDB
import Testing

/// The storage interface's contract, run unchanged against SQLite and PostgreSQL.
@Suite struct StorageConformanceTests {
    static let values = StorageSchema(prefix: "t", migrations: [
        StorageMigration("1_create") { tx in
            try tx.execute("""
                CREATE TABLE t_values (
                    id INTEGER PRIMARY KEY NOT NULL,
                    number INTEGER,
                    label TEXT,
                    bytes BLOB
                );
                CREATE TABLE t_spent (
                    nonce BLOB PRIMARY KEY NOT NULL CHECK (length(nonce) = 32),
                    amount INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        },
    ])

    struct Planned: Error {}

    /// What `body` threw, if anything.
    static func error(_ body: () throws -> Void) -> Error? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Values

    @Test(arguments: Backend.allCases)
    func everyValueTypeRoundTrips(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let integers: [Int64] = [.min, -1, 0, 1, 1 << 53 + 1, .max]
        let unsigned: [UInt64] = [0, 1, UInt64(Int64.max)]
        let allBytes = (0...255).map(UInt8.init)
        let texts = ["", "plain", "it's ? here; -- not a comment", "naïve ₿ 🚀", "line\nbreak"]
        try storage.writeNow { tx in
            var id: Int64 = 0
            for value in integers {
                id += 1
                try tx.execute("INSERT INTO t_values (id, number) VALUES (?, ?)", [id, value])
            }
            for value in unsigned {
                id += 1
                try tx.execute("INSERT INTO t_values (id, number) VALUES (?, ?)", [id, try value.storedInteger("number")])
            }
            for (offset, text) in texts.enumerated() {
                try tx.execute("INSERT INTO t_values (id, label) VALUES (?, ?)", [Int64(100 + offset), text])
            }
            try tx.execute("INSERT INTO t_values (id, bytes) VALUES (?, ?)", [Int64(200), allBytes])
            try tx.execute("INSERT INTO t_values (id, bytes) VALUES (?, ?)", [Int64(201), Data([0, 0, 1])])
            try tx.execute("INSERT INTO t_values (id, number, label, bytes) VALUES (?, ?, ?, ?)", [Int64(300), StorageValue.null, String?.none, [UInt8]?.none])
            try tx.execute("INSERT INTO t_values (id, number) VALUES (?, ?)", [Int64(301), true])
        }
        // UInt64 above Int64.max never reaches the database: StoredInteger throws, naming the field.
        #expect(throws: StoredIntegerError(field: "number", value: "\(UInt64.max)")) { try UInt64.max.storedInteger("number") }

        try storage.readNow { tx in
            let numbers = try tx.fetchAll("SELECT number FROM t_values WHERE id BETWEEN ? AND ? ORDER BY id", [Int64(1), Int64(6)])
            #expect(try numbers.map { try $0.int64("number") } == integers)
            let stored = try tx.fetchAll("SELECT number FROM t_values WHERE id BETWEEN 7 AND 9 ORDER BY id")
            #expect(try stored.map { try $0.unsigned("number", as: UInt64.self) } == unsigned)
            // A negative stored value is not a UInt64: a thrown StoredIntegerError, not a trap.
            let negative = try #require(try tx.fetchOne("SELECT number FROM t_values WHERE id = 2"))
            #expect(throws: StoredIntegerError(field: "number", value: "-1")) { try negative.unsigned("number", as: UInt64.self) }
            let labels = try tx.fetchAll("SELECT label FROM t_values WHERE id >= 100 AND id < 200 ORDER BY id")
            #expect(try labels.map { try $0.text(0) } == texts)
            #expect(try tx.fetchOne("SELECT bytes FROM t_values WHERE id = 200")?.blob("bytes") == allBytes)
            #expect(try tx.fetchOne("SELECT bytes FROM t_values WHERE id = 201")?.blob("BYTES") == [0, 0, 1])
            let nulls = try #require(try tx.fetchOne("SELECT number, label, bytes FROM t_values WHERE id = 300"))
            #expect(nulls.values == [.null, .null, .null])
            #expect(try nulls.optionalInt64("number") == nil && nulls.optionalText("label") == nil && nulls.optionalBlob("bytes") == nil)
            #expect(throws: StorageError.self) { try nulls.int64("number") }
            #expect(try tx.fetchOne("SELECT number FROM t_values WHERE id = 301")?.bool(0) == true)
            // Aggregates: integers in both (PostgreSQL's SUM of BIGINT is numeric; COUNT is bigint).
            let totals = try #require(try tx.fetchOne("SELECT COUNT(*) AS n, SUM(number) AS s FROM t_values WHERE id IN (3, 4, 7, 8)"))
            #expect(try totals.int64("n") == 4 && totals.int64("s") == 2)
            #expect(throws: StorageError.self) { try totals.text("n") }
        }
    }

    // MARK: Constraints

    @Test(arguments: Backend.allCases)
    func uniqueViolationIsOneTypedDeterministicError(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let nonce = [UInt8](repeating: 7, count: 32)
        try storage.writeNow { tx in try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, ?)", [nonce, Int64(1)]) }
        let error = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, ?)", [nonce, Int64(2)]) }
        }
        #expect(error.kind == .uniqueViolation && !error.isEnvironmental)
        // Other constraints: typed, deterministic too.
        let check = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, ?)", [[UInt8](repeating: 1, count: 3), Int64(2)]) }
        }
        #expect(check.kind == .constraintViolation && !check.isEnvironmental)
        let notNull = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, NULL)", [[UInt8](repeating: 2, count: 32)]) }
        }
        #expect(notNull.kind == .constraintViolation)
        // The portable form: ON CONFLICT DO NOTHING, and the change count says whether the row is new.
        let counts = try storage.writeNow { tx in
            [
                try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, ?) ON CONFLICT DO NOTHING", [nonce, Int64(3)]),
                try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, ?) ON CONFLICT DO NOTHING", [[UInt8](repeating: 8, count: 32), Int64(4)]),
                try tx.execute("UPDATE t_spent SET amount = amount + 10"),
            ]
        }
        #expect(counts == [0, 1, 2])
        #expect(try storage.readNow { try $0.fetchAll("SELECT amount FROM t_spent ORDER BY amount").map { try $0.int64(0) } } == [11, 14])
    }

    /// Review 4: SQLite stored text with a NUL character that PostgreSQL refuses (SQLSTATE 22021), so one item would be
    /// kept by a guardian on SQLite and rejected by one on PostgreSQL; both now refuse it as the same deterministic error.
    @Test(arguments: Backend.allCases)
    func textWithANulCharacterIsRefusedAlikeByBothBackends(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let error = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in try tx.execute("INSERT INTO t_values (id, label) VALUES (?, ?)", [Int64(1), "a\u{0}b"]) }
        }
        #expect(error.kind == .invalidValue && !error.isEnvironmental)
        // Like any failed statement, it aborts its savepoint; the rest of the transaction goes on after the rollback.
        let inner = try storage.writeNow { tx -> Error? in
            let inner = Self.error { _ = try tx.inSavepoint { try tx.execute("INSERT INTO t_values (id, label) VALUES (?, ?)", [Int64(2), "\u{0}"]) } }
            try tx.execute("INSERT INTO t_values (id, label) VALUES (?, ?)", [Int64(3), "fine"])
            return inner
        }
        #expect((inner as? StorageError)?.kind == .invalidValue)
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values ORDER BY id").map { try $0.int64(0) } } == [3])
    }

    @Test(arguments: Backend.allCases)
    func aFailedStatementAbortsItsTransactionInBothBackends(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let nonce = [UInt8](repeating: 7, count: 32)
        try storage.writeNow { tx in try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 1)", [nonce]) }
        // A module that catches the violation and carries on gets transactionAborted (PostgreSQL's rule, in SQLite
        // too), and nothing of the transaction is committed.
        let error = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in
                try tx.execute("INSERT INTO t_values (id, label) VALUES (1, 'kept?')")
                do {
                    try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 2)", [nonce])
                } catch {}
                try tx.execute("INSERT INTO t_values (id, label) VALUES (2, 'after')")
            }
        }
        #expect(error.kind == .transactionAborted && error.isEnvironmental)
        let swallowed = try #require(throws: StorageError.self) {
            try storage.writeNow { tx in
                try tx.execute("INSERT INTO t_values (id, label) VALUES (1, 'kept?')")
                _ = try? tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 2)", [nonce])
            }
        }
        #expect(swallowed.kind == .transactionAborted)
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values") }.isEmpty)
    }

    // MARK: Transactions

    @Test(arguments: Backend.allCases)
    func aFailedWriteTransactionLeavesNothing(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        #expect(throws: Planned.self) {
            try storage.writeNow { tx in
                try tx.execute("INSERT INTO t_values (id, label) VALUES (1, 'a'); INSERT INTO t_values (id, label) VALUES (2, 'b')")
                try tx.inSavepoint { try tx.execute("INSERT INTO t_values (id, label) VALUES (3, 'c')") }
                throw Planned()
            }
        }
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values") }.isEmpty)
        // The storage is usable afterwards.
        try storage.writeNow { tx in try tx.execute("INSERT INTO t_values (id) VALUES (4)") }
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values").map { try $0.int64(0) } } == [4])
    }

    @Test(arguments: Backend.allCases)
    func aRolledBackSavepointKeepsTheOuterTransaction(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let nonce = [UInt8](repeating: 9, count: 32)
        // (The #expect macros stay outside the transaction body: the compiler's region checker crashes on them there.)
        let errors = try storage.writeNow { tx -> [Error?] in
            try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 1)", [nonce])
            // A rejected item: its savepoint rolls back, the block goes on.
            let rejected = Self.error {
                try tx.inSavepoint {
                    try tx.execute("INSERT INTO t_values (id, label) VALUES (10, 'rejected item')")
                    try tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 2)", [nonce])
                }
            }
            // A body error rolls back too, and nested savepoints unwind only their own writes.
            var inner: Error?
            try tx.inSavepoint {
                try tx.execute("INSERT INTO t_values (id, label) VALUES (20, 'outer savepoint')")
                inner = Self.error {
                    try tx.inSavepoint {
                        try tx.execute("INSERT INTO t_values (id, label) VALUES (21, 'inner savepoint')")
                        throw Planned()
                    }
                }
            }
            // A savepoint whose body swallows a failed statement is rolled back and says so.
            let swallowed = Self.error {
                try tx.inSavepoint {
                    try tx.execute("INSERT INTO t_values (id, label) VALUES (30, 'swallowed')")
                    _ = try? tx.execute("INSERT INTO t_spent (nonce, amount) VALUES (?, 3)", [nonce])
                }
            }
            try tx.execute("INSERT INTO t_values (id, label) VALUES (40, 'after')")
            return [rejected, inner, swallowed]
        }
        #expect((errors[0] as? StorageError)?.kind == .uniqueViolation)
        #expect(errors[1] is Planned)
        #expect((errors[2] as? StorageError)?.kind == .transactionAborted)
        let ids = try storage.readNow { try $0.fetchAll("SELECT id FROM t_values ORDER BY id").map { try $0.int64(0) } }
        #expect(ids == [20, 40])
        #expect(try storage.readNow { try $0.fetchAll("SELECT amount FROM t_spent").map { try $0.int64(0) } } == [1])
    }

    @Test(arguments: Backend.allCases)
    func aConcurrentReaderSeesOnlyCommittedState(_ backend: Backend) async throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        try storage.writeNow { tx in try tx.execute("INSERT INTO t_values (id, label) VALUES (1, 'committed')") }
        let written = DispatchSemaphore(value: 0)
        let checked = DispatchSemaphore(value: 0)
        let writer = Task {
            try await storage.write { tx in
                try tx.execute("INSERT INTO t_values (id, label) VALUES (2, 'uncommitted')")
                try tx.execute("UPDATE t_values SET label = 'changed' WHERE id = 1")
                written.signal()
                // Held open until the reader has looked (bounded, so a broken reader cannot hang the suite).
                _ = checked.wait(timeout: .now() + 30)
            }
        }
        try await Task.detached { #expect(written.wait(timeout: .now() + 30) == .success) }.value
        let during = try await storage.read { tx in
            try tx.fetchAll("SELECT id, label FROM t_values ORDER BY id").map { "\(try $0.int64("id")):\(try $0.text("label"))" }
        }
        checked.signal()
        try await writer.value
        #expect(during == ["1:committed"])
        let after = try await storage.read { tx in
            try tx.fetchAll("SELECT id, label FROM t_values ORDER BY id").map { "\(try $0.int64("id")):\(try $0.text("label"))" }
        }
        #expect(after == ["1:changed", "2:uncommitted"])
    }

    @Test(arguments: Backend.allCases)
    func aReadTransactionCannotWrite(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let error = try #require(throws: StorageError.self) {
            try storage.readNow { tx in
                guard let writable = tx as? any StorageWriting else { throw StorageError(.misuse, "read-only") }
                try writable.execute("INSERT INTO t_values (id) VALUES (1)")
            }
        }
        #expect(error.isEnvironmental)
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values") }.isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func aTransactionMustNotEscapeItsBody(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let escaped = try storage.writeNow { tx in tx }
        let error = try #require(throws: StorageError.self) { try escaped.execute("INSERT INTO t_values (id) VALUES (1)") }
        #expect(error.kind == .misuse)
    }

    // MARK: Durability

    /// The backend's durability setting as a write transaction sees it: SQLite's `synchronous` on the writer (2 =
    /// FULL, 1 = NORMAL), PostgreSQL's `synchronous_commit`.
    static func commitSetting(_ storage: any Storage, _ durability: CommitDurability) async throws -> String {
        if let sqlite = storage as? SQLiteStorage {
            return try await sqlite.database.write(durability: durability) { db in
                "\(try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)"
            }
        }
        return try await storage.write(durability: durability) { tx in
            try tx.fetchOne("SELECT current_setting('synchronous_commit') AS value")?.text("value") ?? "?"
        }
    }

    /// A deferred commit is committed and visible like any other; only its own transaction skips the flush, so the
    /// writes after it (a consensus vote's checkpoint, a wallet's new notes) are durable again, also after a deferred
    /// body that threw.
    @Test(arguments: Backend.allCases)
    func aDeferredCommitIsVisibleAndLeavesLaterCommitsDurable(_ backend: Backend) async throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let durable = backend == .sqlite ? "2" : "on"
        #expect(try await Self.commitSetting(storage, .immediate) == durable)
        // PostgreSQL commits a deferred write durably too: its server can crash without this process (review 11).
        #expect(try await Self.commitSetting(storage, .deferred) == (backend == .sqlite ? "1" : "on"))
        #expect(try await Self.commitSetting(storage, .immediate) == durable)

        try await storage.write(durability: .deferred) { tx in
            try tx.execute("INSERT INTO t_values (id, number) VALUES (1, 7)")
        }
        await #expect(throws: Planned.self) {
            try await storage.write(durability: .deferred) { tx in
                try tx.execute("INSERT INTO t_values (id, number) VALUES (2, 8)")
                throw Planned()
            }
        }
        #expect(try await Self.commitSetting(storage, .immediate) == durable)
        let ids = try await storage.read { tx in try tx.fetchAll("SELECT id FROM t_values ORDER BY id").map { try $0.int64("id") } }
        #expect(ids == [1])
    }

    // MARK: SQL

    @Test(arguments: Backend.allCases)
    func placeholdersInsideLiteralsAndCommentsAreText(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        let row = try storage.writeNow { tx in
            try tx.execute("""
                INSERT INTO t_values (id, label) -- a ? in a comment
                VALUES (?, /* and ? here; */ 'it''s ? and ; here')
                """, [Int64(1)])
            try tx.execute("UPDATE t_values SET number = ? WHERE label = 'it''s ? and ; here' AND id = ?", [Int64(42), Int64(1)])
            return try tx.fetchOne("SELECT ? AS first, label, number, ? AS second FROM t_values WHERE id = ?", ["a?b", Int64(-5), Int64(1)])
        }
        let values = try #require(row)
        #expect(try values.text("first") == "a?b" && values.text("label") == "it's ? and ; here")
        #expect(try values.int64("number") == 42 && values.int64("second") == -5)
    }

    @Test(arguments: Backend.allCases)
    func sqlOutsideThePortableSubsetIsRefusedByBothBackends(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([Self.values])
        for sql in [
            "INSERT OR IGNORE INTO t_values (id) VALUES (1)", "REPLACE INTO t_values (id) VALUES (1)", "PRAGMA user_version",
            "SELECT * FROM t_values WHERE id = ?1", "SELECT * FROM t_values WHERE id = :id", "SELECT id::text FROM t_values",
            // Review 8: 'A' LIKE 'a' is true in SQLite and false in PostgreSQL.
            "SELECT id FROM t_values WHERE label LIKE ?", "SELECT id FROM t_values WHERE label GLOB ?",
            "SELECT id FROM t_values WHERE label ILIKE ?",
        ] {
            let error = try #require(throws: StorageError.self) { try storage.writeNow { tx in try tx.execute(sql, [Int64(1)]) } }
            #expect(error.kind == .notPortable, "\(sql)")
        }
        let commit = try #require(throws: StorageError.self) { try storage.writeNow { tx in try tx.execute("COMMIT") } }
        #expect(commit.kind == .misuse)
        let arguments = try #require(throws: StorageError.self) { try storage.writeNow { tx in try tx.execute("INSERT INTO t_values (id) VALUES (?)") } }
        #expect(arguments.kind == .misuse)
        #expect(try storage.readNow { try $0.fetchAll("SELECT id FROM t_values") }.isEmpty)
    }

    // MARK: Migrations

    static func ordered(_ count: Int) -> StorageSchema {
        StorageSchema(prefix: "m", migrations: (1...count).map { step in
            StorageMigration("\(step)") { tx in
                if step == 1 { try tx.execute("CREATE TABLE m_log (step INTEGER NOT NULL, at INTEGER PRIMARY KEY NOT NULL)") }
                try tx.execute("INSERT INTO m_log (step, at) VALUES (?, (SELECT COUNT(*) FROM m_log))", [Int64(step)])
            }
        })
    }

    @Test(arguments: Backend.allCases)
    func migrationsApplyOnceAndInOrder(_ backend: Backend) throws {
        let place = try backend.place()
        func log(_ storage: any Storage) throws -> [Int64] {
            try storage.readNow { try $0.fetchAll("SELECT step FROM m_log ORDER BY at").map { try $0.int64("step") } }
        }
        #expect(try log(try place.open([Self.ordered(2)])) == [1, 2])
        #expect(try log(try place.open([Self.ordered(2)])) == [1, 2])  // opened again: nothing re-applied
        #expect(try log(try place.open([Self.ordered(3)])) == [1, 2, 3])  // an appended migration: applied once
        // A database with migrations this program does not know (a newer version) is refused.
        #expect(throws: DatabaseSetupError.unknownAppliedMigrations(["m/3"])) { try place.open([Self.ordered(2)]) }
        // A failing migration keeps nothing, and is tried again at the next open.
        let failing = StorageSchema(prefix: "f", migrations: [
            StorageMigration("1") { tx in
                try tx.execute("CREATE TABLE f_items (id INTEGER PRIMARY KEY NOT NULL)")
                throw Planned()
            },
        ])
        #expect(throws: DatabaseSetupError.self) { try place.open([Self.ordered(3), failing]) }
        let outside = StorageSchema(prefix: "g", migrations: [
            StorageMigration("1") { tx in try tx.execute("CREATE TABLE stray (id INTEGER PRIMARY KEY NOT NULL)") },
        ])
        #expect(throws: DatabaseSetupError.objectOutsidePrefix(migration: "g/1", objects: ["stray"], prefix: "g")) {
            try place.open([Self.ordered(3), outside])
        }
        let storage = try place.open([Self.ordered(3)])
        try storage.writeNow { tx in
            // Neither f_items nor stray exists: nothing of the failed migrations remained.
            try tx.execute("CREATE TABLE f_items (id INTEGER PRIMARY KEY NOT NULL); CREATE TABLE stray (id INTEGER PRIMARY KEY NOT NULL)")
        }
    }
}
