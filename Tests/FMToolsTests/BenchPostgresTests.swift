import FMPostgres
import FMTesting
import Foundation
import Testing

/// Issue 19: `fm-bench reissue --database postgres://…/NAME` runs its in-process guardians on PostgreSQL, in databases
/// NAME_n<size>_g<peer> it creates and drops itself; it refuses what fm-node refuses, and an existing database of one
/// of those names (never reusing or dropping it). HelpExamplesTests does not run fm-bench; these runs do.
@Suite(.serialized) struct BenchPostgresTests {
    /// A database-name prefix of this test's own and `server`'s URL naming it, as a command line takes it.
    private static func prefixURL(_ server: TestPostgres) -> (prefix: String, url: String) {
        let prefix = "fm_bench_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
        let url = PostgresURL(user: server.baseURL.user, endpoint: server.baseURL.endpoint, database: prefix, tls: server.baseURL.tls)
        return (prefix, server.commandLine(url))
    }

    private static func databases(like prefix: String, on server: TestPostgres) throws -> [String] {
        try server.query("SELECT datname FROM pg_database WHERE datname LIKE '\(prefix)%' ORDER BY datname", database: "postgres")
            .split(separator: "\n").map(String.init)
    }

    @Test(.timeLimit(.minutes(5)))
    func reissueRunsOnPostgreSQLAndDropsItsDatabases() throws {
        let server = try TestPostgres.requireOrSkip()
        let (prefix, url) = Self.prefixURL(server)
        let result = try ToolRunner.run(
            "fm-bench", ["reissue", "--json", "--scale", "0.01", "--wallets", "1", "--base-port", "18520", "--database", url],
            environment: [PostgresPassword.environmentVariable: server.password ?? ""])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((report["title"] as? String ?? "").contains("PostgreSQL"), "\(report)")
        let rows = (report["rows"] as? [[String: Any]] ?? []).compactMap { ($0["result"] as? [String: Any])?["name"] as? String }
        for name in ["reissue, n = 4, sequential", "reissue, n = 4, 1 wallets at once", "reissue, n = 1, sequential"] {
            #expect(rows.contains(name), "\(rows)")
        }
        #expect(try Self.databases(like: prefix, on: server) == [], "fm-bench left its databases behind")
    }

    /// An existing NAME_n4_g1 stops the run before any guardian starts: g0, created just before, is dropped again;
    /// the existing one is left as it was.
    @Test func anExistingDatabaseIsRefusedAndKept() throws {
        let server = try TestPostgres.requireOrSkip()
        let (prefix, url) = Self.prefixURL(server)
        try server.psql("CREATE DATABASE \(prefix)_n4_g1 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
        defer { try? server.psql("DROP DATABASE \(prefix)_n4_g1") }
        let result = try ToolRunner.run(
            "fm-bench", ["reissue", "--scale", "0.01", "--wallets", "1", "--base-port", "18520", "--database", url],
            environment: [PostgresPassword.environmentVariable: server.password ?? ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(prefix)_n4_g1") && result.stderr.contains("already exists"), "\(result.stderr)")
        #expect(try Self.databases(like: prefix, on: server) == ["\(prefix)_n4_g1"])
    }

    /// The refusals fm-node makes (a password in the URL, a malformed URL, a password file without --database, one
    /// readable by others), plus a database name the per-guardian names cannot extend: exit 2, one line naming the flag.
    @Test func databaseOptionsAreRefusedWithOneLineNamingTheFlag() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let loose = dir.appendingPathComponent("loose.password")
        FileManager.default.createFile(atPath: loose.path, contents: Data("pw\n".utf8), attributes: [.posixPermissions: 0o644])
        let cases: [(arguments: [String], field: String)] = [
            (["--database", "postgres://fm:hunter22@127.0.0.1/fm"], "--database"),
            (["--database", "mysql://fm@127.0.0.1/fm"], "--database"),
            (["--database", "postgres://fm@127.0.0.1/Bench-DB"], "--database"),
            (["--database-password-file", loose.path], "--database-password-file"),
            (["--database", "postgres://fm@127.0.0.1/fm", "--database-password-file", loose.path], "--database-password-file"),
        ]
        for (arguments, field) in cases {
            let result = try ToolRunner.run("fm-bench", ["reissue"] + arguments)
            let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(result.status == 2, "\(arguments): \(result.status) \(stderr)")
            #expect(stderr.hasPrefix("fm-bench: error: \(field):") && !stderr.contains("\n"), "\(arguments): \(stderr)")
            #expect(!stderr.contains("hunter22"), "the password was repeated: \(stderr)")
        }
    }
}
