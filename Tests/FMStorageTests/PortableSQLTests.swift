import FMTesting
import FMPostgres
import FMStorage
import Foundation
import Testing

@Suite struct PortableSQLTests {
    @Test func placeholdersAreNumberedForPostgresOutsideLiteralsIdentifiersAndComments() throws {
        let statements = try PortableSQL.parse("""
            SELECT ?, 'a ? b', "odd ? name", ? -- c ?
            FROM t /* ? ; */ WHERE x = ? AND y = 'it''s ?'
            """)
        let statement = try #require(statements.first)
        #expect(statements.count == 1 && statement.placeholderCount == 3 && statement.verb == "SELECT")
        #expect(statement.postgresText == """
            SELECT $1, 'a ? b', "odd ? name", $2 -- c ?
            FROM t /* ? ; */ WHERE x = $3 AND y = 'it''s ?'
            """)
        #expect(statement.text.contains("SELECT ?, 'a ? b'"))
    }

    @Test func statementsSplitOnSemicolonsOutsideLiteralsAndNumberPlaceholdersEach() throws {
        let statements = try PortableSQL.parse("INSERT INTO t VALUES (?, ';'); ; UPDATE t SET a = ? WHERE b = ?;  -- end")
        #expect(statements.map(\.placeholderCount) == [1, 2])
        #expect(statements.map(\.postgresText) == ["INSERT INTO t VALUES ($1, ';')", "UPDATE t SET a = $1 WHERE b = $2"])
    }

    @Test func sqliteTypesAndStorageHintsMapToPostgres() throws {
        let statement = try #require(try PortableSQL.parse("""
            CREATE TABLE x_t (a integer PRIMARY KEY, b BLOB, "INTEGER" TEXT, c INTEGER2, d TEXT DEFAULT 'BLOB') WITHOUT ROWID
            """).first)
        #expect(statement.postgresText == """
            CREATE TABLE x_t (a BIGINT PRIMARY KEY, b BYTEA, "INTEGER" TEXT, c INTEGER2, d TEXT DEFAULT 'BLOB')
            """)
        #expect(statement.text.hasSuffix("WITHOUT ROWID"))
    }

    @Test func constructsOutsideTheSubsetAreRefused() {
        for sql in [
            "INSERT OR IGNORE INTO t VALUES (1)", "insert or replace into t values (1)", "REPLACE INTO t VALUES (1)",
            "PRAGMA foreign_keys", "SELECT ?1", "SELECT :name", "SELECT @name", "SELECT $1", "SELECT a::text FROM t",
            "SELECT X'00'", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)", "SELECT `a` FROM t", "SELECT [a] FROM t",
        ] {
            #expect(throws: StorageError.self, "\(sql)") { try PortableSQL.parse(sql) }
            #expect((try? PortableSQL.parse(sql)) == nil)
        }
        #expect(throws: StorageError(.misuse, "unterminated string literal in: SELECT 'a")) { try PortableSQL.parse("SELECT 'a") }
        for control in ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a", "RELEASE a", "END"] {
            let error = try? #require(throws: StorageError.self) { try PortableSQL.parse(control) }
            #expect(error?.kind == .misuse, "\(control)")
        }
        // Words that only contain a keyword, and keywords inside literals, are fine.
        #expect((try? PortableSQL.parse("SELECT pragma_x, 'INSERT OR IGNORE', replaced FROM t WHERE a = ':x'")) != nil)
    }
}

@Suite struct PostgresURLTests {
    @Test func tcpAndUnixSocketURLsParse() throws {
        let tcp = try PostgresURL(parsing: "postgres://guardian@db.example.org:6432/fm")
        #expect(tcp == PostgresURL(user: "guardian", endpoint: .tcp(host: "db.example.org", port: 6432), database: "fm", tls: .verifyFull))
        let local = try PostgresURL(parsing: "postgresql://fm@localhost/fm_a")
        #expect(local.endpoint == .tcp(host: "localhost", port: 5432) && local.tls == .disable)
        let socket = try PostgresURL(parsing: "postgres://fm@%2Fvar%2Frun%2Fpostgresql/fm")
        #expect(socket.endpoint == .unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432") && socket.tls == .disable)
        let plain = try PostgresURL(parsing: "postgres://fm@10.0.0.5/fm?sslmode=disable")
        #expect(plain.tls == .disable && plain.description == "postgres://fm@10.0.0.5:5432/fm")
    }

    @Test func aPasswordInTheURLIsRefusedWithoutRepeatingIt() {
        let error = try? #require(throws: PostgresConfigurationError.self) { try PostgresURL(parsing: "postgres://fm:hunter2@db/fm") }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("must not contain a password") && !message.contains("hunter2") && !message.contains("\n"))
        // Review 8: a password holding '@' or '/' in a URL that does not parse was repeated from its first '@' on.
        for text in ["mysql://fm:hun@ter2@db/fm", "postgres://fm:hun@ter2 x@db/fm", "postgres://fm:hun/ter2@db/fm", "fm:hun@ter2@db"] {
            let error = try? #require(throws: PostgresConfigurationError.self) { try PostgresURL(parsing: text) }
            #expect(!"\(error.map { "\($0)" } ?? "")".contains("ter2"), "\(text)")
        }
    }

    @Test func malformedURLsNameWhatIsWrong() {
        for (text, expected) in [
            ("mysql://fm@db/fm", "must look like"), ("postgres://db/fm", "no user"), ("postgres://fm@db/", "no database"),
            ("postgres://fm@db/fm?sslmode=prefer", "sslmode"), ("postgres://fm@db/fm?timeout=3", "not supported"),
        ] {
            let error = try? #require(throws: PostgresConfigurationError.self) { try PostgresURL(parsing: text) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(text)")
        }
    }

    @Test func thePasswordComesFromAPrivateFileOrTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fm-pgpass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("s3cret\nignored\n".utf8).write(to: file)
        chmod(file.path, 0o644)
        let open = try? #require(throws: PostgresConfigurationError.self) { try PostgresPassword.resolve(file: file.path, environment: [:]) }
        #expect("\(open.map { "\($0)" } ?? "")".contains("readable by others"))
        chmod(file.path, 0o600)
        #expect(try PostgresPassword.resolve(file: file.path, environment: ["FM_DATABASE_PASSWORD": "env"]) == "s3cret")
        #expect(try PostgresPassword.resolve(file: nil, environment: ["FM_DATABASE_PASSWORD": "env"]) == "env")
        #expect(try PostgresPassword.resolve(file: nil, environment: [:]) == nil)
    }
}
