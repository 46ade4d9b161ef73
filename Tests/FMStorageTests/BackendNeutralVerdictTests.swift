import FMCore
import FMServerCore
import FMStorage
import FMTesting
import Testing

/// Review 8: a failed statement is an item's rejection only where both backends refuse that item alike, and the
/// rejection reads the same whichever backend refused it, so a federation mixing SQLite and PostgreSQL guardians
/// records one outcome (and clients, which take an outcome only when t guardians report it word for word, get it).
@Suite struct BackendNeutralVerdictTests {
    static let schema = StorageSchema(prefix: "v", migrations: [
        StorageMigration("1_create") { tx in
            try tx.execute("""
                CREATE TABLE v_items (
                    id INTEGER PRIMARY KEY NOT NULL,
                    amount INTEGER NOT NULL CHECK (amount > 0),
                    tag BLOB
                );
                INSERT INTO v_items (id, amount) VALUES (1, 9223372036854775807);
                """)
        },
    ])

    /// The error applying `sql` as an item fails with on `backend` (nil: none).
    static func failure(_ backend: Backend, _ sql: String, _ arguments: [any StorageValueConvertible]) throws -> StorageError? {
        let place = try backend.place()
        let storage = try place.open([schema])
        do {
            try storage.writeNow { tx in try tx.execute(sql, arguments) }
            return nil
        } catch let error as StorageError {
            return error
        }
    }

    static func rejection(_ error: StorageError?) -> TransactionRejection? {
        guard let error, case .reject(let rejection) = ProcessingFailure.classify(error) else { return nil }
        return rejection
    }

    @Test func aConstraintViolationIsRejectedInTheSameWordsOnBothBackends() throws {
        for (sql, arguments) in [
            ("INSERT INTO v_items (id, amount) VALUES (?, 5)", [Int64(1)]),  // primary key
            ("INSERT INTO v_items (id, amount) VALUES (?, 0)", [Int64(2)]),  // CHECK
            ("INSERT INTO v_items (id, amount) VALUES (?, NULL)", [Int64(3)]),  // NOT NULL
        ] as [(String, [any StorageValueConvertible])] {
            let onSQLite = try Self.failure(.sqlite, sql, arguments)
            let onPostgres = try Self.failure(.postgres, sql, arguments)
            let sqliteRejection = try #require(Self.rejection(onSQLite), "\(sql) on SQLite: \(String(describing: onSQLite))")
            let postgresRejection = try #require(Self.rejection(onPostgres), "\(sql) on PostgreSQL: \(String(describing: onPostgres))")
            #expect(sqliteRejection == postgresRejection, "\(sql)")
        }
    }

    /// PostgreSQL refuses `Int64.max + 1` (SQLSTATE 22003) where SQLite makes it a REAL and carries on, and a blob
    /// bound to an integer key is SQLite's MISMATCH but PostgreSQL's 42804: neither may reject the item on one
    /// backend only, so each aborts the block (environmental) instead.
    @Test(arguments: Backend.allCases)
    func aFailureTheOtherBackendDoesNotShareAbortsTheBlock(_ backend: Backend) throws {
        let overflow = try Self.failure(backend, "UPDATE v_items SET amount = amount + ? WHERE id = 1", [Int64(1)])
        if backend == .postgres {
            let error = try #require(overflow)
            #expect(error.isEnvironmental, "\(error)")
            #expect(Self.rejection(error) == nil)
        }
        let mismatch = try Self.failure(backend, "INSERT INTO v_items (id, amount) VALUES (?, 5)", [[UInt8](repeating: 1, count: 4)])
        let error = try #require(mismatch)
        #expect(error.isEnvironmental, "\(error)")
    }
}
