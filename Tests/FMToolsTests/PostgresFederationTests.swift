import FMTesting
import Foundation
import Testing

/// Issue 19: a federation whose guardians keep their state in different backends (two `fm-node run --database
/// postgres://…`, two on SQLite files) applies the same blocks to the same state: after e-cash is issued, spent,
/// reissued and double-spent, all four hold byte-identical state digests at one height and saw no mismatch.
@Suite(.serialized) struct PostgresFederationTests {
    @Test(.timeLimit(.minutes(5)))
    func guardiansOnPostgreSQLAndSQLiteReachIdenticalStateDigests() throws {
        let server = try TestPostgres.requireOrSkip()
        let federation = try EcashFederation(basePort: 18_190, postgres: (server, [0, 2]))
        defer { federation.stop() }
        try federation.join("alice", "bob", "carol")
        #expect(try federation.mint("alice", ["dev-issue", "40000"]).status == 0)
        let notes = try federation.spend("alice", 12_000)
        #expect(try federation.mint("bob", ["reissue", notes]).status == 0)
        // The same notes again: the spent-nonce key refuses them on every guardian, whatever its backend.
        #expect(try federation.mint("carol", ["reissue", notes]).status != 0)
        #expect(try federation.balance("bob") > 0)
        #expect(try federation.balance("carol") == 0)

        let height = try federation.status(1)["block_height"] as? Int ?? 0
        let reached = try federation.digests(reaching: height + 1, timeout: 120)
        #expect(Set(reached.digests.values).count == 1, "digests differ across backends: \(reached)")
        #expect(reached.digests.count == 4)
        #expect(reached.mismatches.values.allSatisfy { $0 == 0 }, "\(reached.mismatches)")
        // The PostgreSQL guardians' digests above were read from PostgreSQL; they wrote no SQLite state file.
        for peer in [0, 2] {
            let file = federation.directory.appendingPathComponent("fed/guardian-\(peer)/guardian.sqlite").path
            #expect(!FileManager.default.fileExists(atPath: file), "guardian \(peer) wrote \(file)")
        }
    }

    /// `--database` and its password are checked before the guardian opens anything: a password in the URL, a
    /// malformed URL, a password file that is missing or readable by others, or a password file without `--database`
    /// exit 2 with one line naming the flag (and never repeating the password).
    @Test func databaseOptionsAreRefusedWithOneLineNamingTheFlag() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let configDir = dir.appendingPathComponent("guardian-0").path
        let loose = dir.appendingPathComponent("loose.password")
        FileManager.default.createFile(atPath: loose.path, contents: Data("pw\n".utf8), attributes: [.posixPermissions: 0o644])
        let cases: [(arguments: [String], field: String)] = [
            (["--database", "postgres://fm:hunter22@127.0.0.1/fm"], "--database"),
            (["--database", "mysql://fm@127.0.0.1/fm"], "--database"),
            (["--database", "postgres://fm@127.0.0.1/"], "--database"),
            (["--database-password-file", loose.path], "--database-password-file"),
            (["--database", "postgres://fm@127.0.0.1/fm", "--database-password-file", dir.appendingPathComponent("none").path],
             "--database-password-file"),
            (["--database", "postgres://fm@127.0.0.1/fm", "--database-password-file", loose.path], "--database-password-file"),
        ]
        for (arguments, field) in cases {
            let result = try ToolRunner.run("fm-node", ["run", "--config-dir", configDir] + arguments)
            let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(result.status == 2, "\(arguments): \(result.status) \(stderr)")
            #expect(stderr.hasPrefix("fm-node: error: \(field):") && !stderr.contains("\n"), "\(arguments): \(stderr)")
            #expect(!stderr.contains("hunter22"), "the password was repeated: \(stderr)")
        }
    }
}
