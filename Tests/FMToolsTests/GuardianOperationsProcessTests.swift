import FMTesting
import Foundation
import Testing

/// Federation meta and scheduled shutdown (issue 22) through real `fm-node` and `fm-mint` processes on a
/// 4-guardian federation (threshold 3): what one or two guardians propose changes nothing, three do; every client
/// sees the same revision; the admin methods refuse a wrong or missing credential and change nothing.
@Suite(.serialized)
struct GuardianOperationsProcessTests {
    static func configDir(_ federation: EcashFederation, _ peer: Int) -> String {
        federation.directory.appendingPathComponent("fed/guardian-\(peer)").path
    }

    /// `fm-node ARGS --config-dir` guardian `peer` (the operator's token is found there).
    static func admin(_ federation: EcashFederation, _ peer: Int, _ arguments: [String]) throws -> ToolRunner.Result {
        try ToolRunner.run("fm-node", arguments + ["--config-dir", configDir(federation, peer)])
    }

    static func operations(_ federation: EcashFederation, _ peer: Int) throws -> [String: Any] {
        let result = try ToolRunner.run("fm-node", ["meta", "show", "--api", federation.apiURL(peer)])
        guard result.status == 0 else { throw EcashFederationError("meta show of guardian \(peer): \(result.stderr)") }
        return try result.json()
    }

    static func revision(_ operations: [String: Any]) -> Int? { (operations["meta"] as? [String: Any])?["revision"] as? Int }

    /// Waits until `condition` holds for every guardian (up to `timeout` seconds).
    static func eventually(
        _ federation: EcashFederation, timeout: Double = 60, _ what: String, _ condition: ([String: Any]) -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try (0..<federation.peers).allSatisfy({ condition(try operations(federation, $0)) }) { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        throw EcashFederationError("not every guardian reached: \(what); guardian 0: \(try operations(federation, 0))")
    }

    /// A JSON-RPC call over HTTP without any credential: the whole answer.
    static func callWithoutCredential(_ federation: EcashFederation, _ method: String, _ params: [String: Any]) async throws
        -> [String: Any]
    {
        try await RecoveryBackupTests.call(federation.rpcURL(0), method, params)
    }

    static func refusals(_ federation: EcashFederation) async throws {
        let wrongToken = federation.directory.appendingPathComponent("wrong.token")
        try String(repeating: "ab", count: 32).write(to: wrongToken, atomically: true, encoding: .utf8)
        for arguments in [["meta", "set", "name", "Evil"], ["shutdown", "--at-height", "100000"]] {
            let wrong = try ToolRunner.run(
                "fm-node", arguments + ["--api", federation.apiURL(0), "--token-file", wrongToken.path])
            #expect(wrong.status != 0, "\(arguments) with a wrong token: \(wrong.stdout)")
            #expect(wrong.stderr.contains("unauthorized"), "\(wrong.stderr)")
        }
        for (method, params) in [("meta_set", ["key": "name", "value": "Evil"] as [String: Any]), ("schedule_shutdown", ["height": 100_000])] {
            let answer = try await callWithoutCredential(federation, method, params)
            #expect(RecoveryBackupTests.errorText(answer).contains("unauthorized"), "\(method) without a credential: \(answer)")
        }
        try await Task.sleep(for: .seconds(2))
        let after = try operations(federation, 0)
        #expect((after["meta_proposals"] as? [Any])?.isEmpty == true, "\(after)")
        #expect((after["shutdown_requests"] as? [Any])?.isEmpty == true, "\(after)")
    }

    @Test(
        "meta proposed by one or two guardians has no effect, by three it does; clients joined before and after see the same revision, the name, the welcome message, and the expiry warning with the successor; a wrong or missing credential is refused",
        .timeLimit(.minutes(3)))
    func metaByThreshold() async throws {
        let federation = try EcashFederation(basePort: 18090)
        defer { federation.stop() }
        try federation.join("alice")
        try await Self.refusals(federation)

        let expiry = Int(Date().timeIntervalSince1970) + 10 * 86_400
        let changes = [
            ["name", "Village mint"], ["welcome_message", "Welcome to the village"], ["expiry_timestamp", "\(expiry)"],
            ["successor_invite", federation.invite],
        ]
        for guardian in 0..<3 {
            for change in changes {
                let result = try Self.admin(federation, guardian, ["meta", "set"] + change)
                #expect(result.status == 0, "guardian \(guardian) meta set \(change): \(result.stderr)")
            }
            if guardian < 2 {
                // Every guardian has ordered this guardian's full proposal, and nothing is agreed yet.
                try Self.eventually(federation, "\(guardian + 1) proposals ordered") { operations in
                    let proposals = operations["meta_proposals"] as? [[String: Any]] ?? []
                    return proposals.count == guardian + 1
                        && proposals.allSatisfy { (($0["meta"] as? [String: Any])?["entries"] as? [Any])?.count == 4 }
                }
                for peer in 0..<4 { #expect(Self.revision(try Self.operations(federation, peer)) == 0) }
            }
        }
        try Self.eventually(federation, "revision 1 agreed") { Self.revision($0) == 1 }

        let alice = try federation.mint("alice", ["meta"])
        #expect(alice.status == 0, "\(alice.stderr)")
        let aliceMeta = try alice.json()
        #expect(aliceMeta["revision"] as? Int == 1)
        #expect(aliceMeta["name"] as? String == "Village mint")
        #expect(alice.stderr.contains("expires in") && alice.stderr.contains(federation.invite), "\(alice.stderr)")

        let bob = try federation.mint("bob", ["join", federation.invite])
        #expect(bob.status == 0, "\(bob.stderr)")
        let joined = try bob.json()
        #expect(joined["name"] as? String == "Village mint")
        #expect(joined["welcome_message"] as? String == "Welcome to the village")
        #expect((joined["meta"] as? [String: Any])?["revision"] as? Int == 1)
        #expect(bob.stderr.contains("expires in"), "\(bob.stderr)")
        let bobMeta = try federation.mint("bob", ["meta"]).json()
        #expect(bobMeta["entries"] as? [[String: String]] == aliceMeta["entries"] as? [[String: String]])

        let info = try federation.mint("alice", ["info"])
        #expect(try info.json()["name"] as? String == "Village mint")
        #expect(info.stderr.contains("expires in"), "every command warns: \(info.stderr)")

        // Removing a key is a new revision by the same rule.
        for guardian in 1..<4 {
            #expect(try Self.admin(federation, guardian, ["meta", "unset", "expiry_timestamp"]).status == 0)
        }
        try Self.eventually(federation, "revision 2 agreed") { Self.revision($0) == 2 }
        let later = try federation.mint("alice", ["meta"])
        #expect(try later.json()["revision"] as? Int == 2)
        #expect(try later.json()["expiry_timestamp"] == nil)
        #expect(!later.stderr.contains("expires"), "\(later.stderr)")
    }

    /// Every guardian's database after it stopped: the highest applied block, the finalized block count, and
    /// its state digest after `height`.
    static func stoppedState(_ federation: EcashFederation, _ peer: Int, height: Int) throws -> (applied: Int, finalized: Int, digest: String) {
        let database = federation.directory.appendingPathComponent("fed/guardian-\(peer)/guardian.sqlite").path
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], timeout=20)
            applied = db.execute("SELECT next_height FROM server_cursor").fetchone()[0] - 1
            finalized = db.execute("SELECT count(*) FROM consensus_blocks").fetchone()[0]
            digest = db.execute("SELECT lower(hex(digest)) FROM server_state_digests WHERE height = ?", (int(sys.argv[2]),)).fetchone()
            print(applied, finalized, digest[0] if digest else "-")
            """
        let result = try ToolRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, database, "\(height)"])
        let fields = result.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard result.status == 0, fields.count == 3, let applied = Int(fields[0]), let finalized = Int(fields[1]) else {
            throw EcashFederationError("state of guardian \(peer): \(result.stdout) \(result.stderr)")
        }
        return (applied, finalized, fields[2])
    }

    @Test(
        "a shutdown requested by two guardians changes nothing; by three, all four apply block H, order nothing past it, exit 0 with equal digests, and a restart continues at H + 1",
        .timeLimit(.minutes(3)))
    func scheduledShutdown() async throws {
        let federation = try EcashFederation(basePort: 18160)
        defer { federation.stop() }
        try await Self.refusals(federation)
        let current = try #require(try federation.status(0)["block_height"] as? Int)
        let height = current + 25
        for guardian in 0..<2 {
            let result = try Self.admin(federation, guardian, ["shutdown", "--at-height", "\(height)"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try Self.eventually(federation, "two requests ordered") { ($0["shutdown_requests"] as? [Any])?.count == 2 }
        #expect(try Self.operations(federation, 0)["shutdown"] == nil)
        let third = try Self.admin(federation, 2, ["shutdown", "--at-height", "\(height)"])
        #expect(third.status == 0, "\(third.stderr)")

        // An idle federation backs off to one block per two minutes; items (here meta proposals) keep blocks coming.
        var exits: [Int: Int32] = [:]
        let deadline = Date().addingTimeInterval(100)
        var tick = 0
        while exits.count < 4, Date() < deadline {
            tick += 1
            if let running = (0..<4).first(where: { exits[$0] == nil }) {
                _ = try? Self.admin(federation, running, ["meta", "set", "app:tick", "\(tick)"])
            }
            for peer in 0..<4 where exits[peer] == nil {
                if let status = federation.waitForExit(peer, timeout: 0.3) { exits[peer] = status }
            }
        }
        for peer in 0..<4 {
            #expect(exits[peer] == 0, "guardian \(peer) did not exit cleanly (\(String(describing: exits[peer]))): \(federation.log(peer).suffix(2_000))")
        }
        var digests = Set<String>()
        for peer in 0..<4 {
            let state = try Self.stoppedState(federation, peer, height: height)
            #expect(state.applied == height, "guardian \(peer) applied up to \(state.applied), not \(height)")
            #expect(state.finalized == height + 1, "guardian \(peer) finalized \(state.finalized) blocks: ordered past \(height)")
            digests.insert(state.digest)
        }
        #expect(digests.count == 1 && !digests.contains("-"), "\(digests)")

        for peer in 0..<4 { try federation.start(peer) }
        for peer in 0..<4 { try federation.waitUntilServing(peer) }
        let status = try federation.status(1)
        let shutdown = try #require(status["shutdown"] as? [String: Any], "\(status)")
        #expect(shutdown["height"] as? Int == height && shutdown["reached"] as? Bool == true)
        #expect(digests.contains(shutdown["state_digest"] as? String ?? ""))
        #expect(try Self.admin(federation, 0, ["meta", "set", "app:after", "restart"]).status == 0)
        let after = try federation.digests(reaching: height + 2, timeout: 90)
        #expect(Set(after.digests.values).count == 1, "\(after)")
    }
}
