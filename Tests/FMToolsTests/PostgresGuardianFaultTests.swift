import FMTesting
import Foundation
import Testing

/// Issue 19, what a guardian on PostgreSQL must survive as a real `fm-node` process: kill -9 in the middle of
/// blocks, its PostgreSQL server restarted under it, and the move of a stopped guardian from SQLite (`migrate-db`).
@Suite(.serialized) struct PostgresGuardianFaultTests {
    @Test("kill -9 of a PostgreSQL-backed guardian, 12 times at random points while reissues run: one state digest, audits balance, nothing lost")
    func killNineOfPostgresGuardians() throws {
        var random = SeededRandom(seed: ProcessFaultTests.seed())
        let seed = "FM_FAULT_SEED=\(random.seed)"
        let server = try TestPostgres.requireOrSkip()
        let federation = try EcashFederation(basePort: 18_100, postgres: (server, [0, 1]))
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "60000"]).status == 0)
        #expect(try federation.mint("bob", ["dev-issue", "60000"]).status == 0)

        let traffic = Traffic(federation)
        let kills = try federation.killRepeatedly(12, victims: 0..<2, random: &random)
        let (failure, rounds) = traffic.stop()
        #expect(failure == nil, "\(failure ?? "") (\(seed); kills \(kills))")
        #expect(rounds >= 2, "only \(rounds) reissue rounds during the kills")
        try ProcessFaultTests.expectNothingLostAndOneState(federation, wallets: ["alice", "bob"], context: "\(seed); kills \(kills)")
    }

    @Test("PostgreSQL stopped for 6 s under a running guardian: it waits, stays up, resumes and catches up; one state digest, nothing lost")
    func postgresRestartedUnderARunningGuardian() throws {
        // A cluster of its own: this test stops it.
        let server = try TestPostgres.available(TestPostgres.startCluster(), sourceLocation: #_sourceLocation)
        let federation = try EcashFederation(basePort: 18_110, postgres: (server, [0]))
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "60000"]).status == 0)
        #expect(try federation.mint("bob", ["dev-issue", "60000"]).status == 0)

        let traffic = Traffic(federation)
        Thread.sleep(forTimeInterval: 1)
        try server.stop()
        Thread.sleep(forTimeInterval: 6)
        // The three SQLite guardians went on; guardian 0 waits for its database instead of exiting.
        #expect(federation.waitForExit(0, timeout: 0.5) == nil, "guardian 0 exited with its database down: \(federation.log(0).suffix(2000))")
        try server.start()
        let (failure, rounds) = traffic.stop()
        #expect(failure == nil, "\(failure ?? "")")
        #expect(rounds >= 1, "no reissue went through while guardian 0's database was down")
        try ProcessFaultTests.expectNothingLostAndOneState(federation, wallets: ["alice", "bob"], context: "postgres restart")
        #expect(federation.isRunning(0))
    }

    @Test("migrate-db moves a stopped guardian from SQLite to PostgreSQL: copied, verified, refused while it runs (so is a second fm-node run) and when not empty; the guardian runs on from PostgreSQL")
    func migrateAStoppedGuardianToPostgres() throws {
        let server = try TestPostgres.requireOrSkip()
        let federation = try EcashFederation(basePort: 18_120)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "40000"]).status == 0)
        #expect(try federation.mint("bob", ["reissue", try federation.spend("alice", 9_000)]).status == 0)

        let url = try server.newDatabase()
        let passwordFile = federation.directory.appendingPathComponent("migrate.password")
        FileManager.default.createFile(
            atPath: passwordFile.path, contents: Data((server.password ?? "").utf8), attributes: [.posixPermissions: 0o600])
        let migrate = ["migrate-db", "--config-dir", federation.directory.appendingPathComponent("fed/guardian-1").path,
                       "--to", server.commandLine(url), "--database-password-file", passwordFile.path]
        // Refused while the guardian runs (it holds the lock on its config directory), and so is a second fm-node run.
        let running = try ToolRunner.run("fm-node", migrate)
        #expect(running.status == 2 && running.stderr.contains("another fm-node process runs this guardian"), "\(running.stderr)")
        let twice = try ToolRunner.run("fm-node", ["run", "--config-dir", federation.directory.appendingPathComponent("fed/guardian-1").path])
        #expect(twice.status == 2 && twice.stderr.contains("another fm-node process runs this guardian"), "\(twice.stderr)")

        federation.kill(1, signal: SIGTERM)
        let copied = try ToolRunner.run("fm-node", migrate)
        #expect(copied.status == 0, "\(copied.stderr)")
        let report = try copied.json()
        #expect((report["rows"] as? Int ?? 0) > 0)
        #expect((report["tables"] as? [[String: Any]])?.contains { $0["table"] as? String == "mint_spent_nonces" && ($0["rows"] as? Int ?? 0) > 0 } == true)
        let height = try #require(report["block_height"] as? Int)
        let digest = try #require(report["state_digest"] as? String)
        #expect(try federation.stateDigest(1, at: height) == digest)
        // A second copy into the same database is refused: it is not empty any more.
        let again = try ToolRunner.run("fm-node", migrate)
        #expect(again.status == 1 && again.stderr.contains("not empty"), "\(again.stderr)")

        federation.movedToPostgres(1, server: server, url: url, passwordFile: passwordFile)
        try federation.start(1)
        try federation.waitUntilServing(1)
        #expect(try federation.mint("alice", ["reissue", try federation.spend("bob", 3_000)]).status == 0)
        try ProcessFaultTests.expectNothingLostAndOneState(federation, wallets: ["alice", "bob"], context: "after migrate-db")
    }
}
