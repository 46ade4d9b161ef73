import FMTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Snapshots at the guardians and fast recovery, through real `fm-node` and `fm-mint` processes
/// (docs/wallet.md, "Backup at the guardians" and "Recovery").
@Suite(.serialized)
struct RecoveryBackupTests {
    /// JSON-RPC over HTTP to one guardian: the whole answer object.
    static func call(_ url: URL, _ method: String, _ params: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "method": method, "params": params])
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// ``call(_:_:_:)``, asked again (for up to 10 s) while the guardian answers `rate_limited`: the test's own
    /// commands and uploads all come from 127.0.0.1 and share one cost budget (an upload costs 50 units of 200 per
    /// second), so on a fast run a check can meet the budget instead of the answer it is about.
    static func callPatiently(_ url: URL, _ method: String, _ params: [String: Any]) async throws -> [String: Any] {
        for _ in 0..<40 {
            let answer = try await call(url, method, params)
            guard (answer["error"] as? [String: Any])?["code"] as? Int == -32002 else { return answer }
            try await Task.sleep(for: .milliseconds(250))
        }
        return try await call(url, method, params)
    }

    static func errorText(_ answer: [String: Any]) -> String {
        guard let error = answer["error"] else { return "" }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: error)) ?? Data(), as: UTF8.self)
    }

    @Test("""
        a wallet recovered on a fresh data directory from its snapshot plus the history after it equals the original, \
        while one guardian withholds and corrupts history and three serve a tampered, a foreign or no snapshot; \
        a replayed older snapshot and one signed by another mnemonic are refused on upload
        """)
    func snapshotRecoveryAgainstLyingGuardians() async throws {
        let federation = try EcashFederation(basePort: 18060, environment: [
            0: ["FM_TEST_MINT_BAD_HISTORY": "1", "FM_TEST_BACKUP_FAULT": "tamper"],
            1: ["FM_TEST_BACKUP_FAULT": "foreign"],
            2: ["FM_TEST_BACKUP_FAULT": "withhold"],
        ])
        defer { federation.stop() }
        try federation.join("alice", "bob", "mallory")
        #expect(try federation.mint("mallory", ["dev-issue", "5000"]).status == 0)
        #expect(try federation.mint("alice", ["dev-issue", "60000"]).status == 0)
        let first = try federation.mint("alice", ["backup", "--upload"])
        #expect(first.status == 0, "\(first.stderr)")
        let firstUpload = try #require(try first.json()["upload"] as? [String: Any])
        #expect(firstUpload["stored_by"] as? [Int] == [0, 1, 2, 3])
        let clientId = try #require(firstUpload["client_id"] as? String)
        // Guardian 3 is honest: it serves the snapshot exactly as stored.
        let older = try #require(
            ((try await Self.callPatiently(federation.rpcURL(3), "backup_fetch", ["client_id": clientId]))["result"] as? [String: Any])?["backup"]
                as? String)

        // Out of band to bob (redeemed) and a spend never redeemed, then the snapshot, then history after it.
        let sent = try federation.spend("alice", 12_345)
        #expect(try federation.mint("bob", ["reissue", sent]).status == 0)
        _ = try federation.spend("alice", 2_000)
        #expect(try federation.mint("alice", ["dev-issue", "3000"]).status == 0)
        let second = try federation.mint("alice", ["backup", "--upload"])
        #expect(second.status == 0, "\(second.stderr)")
        // Without automatic uploads from here on, so that the snapshot stays behind alice's state.
        func quiet(_ arguments: [String]) throws -> ToolRunner.Result {
            try ToolRunner.run(
                "fm-mint", arguments + ["--data-dir", federation.directory.appendingPathComponent("alice").path],
                environment: ["FM_AUTO_BACKUP": "off"])
        }
        #expect(try quiet(["dev-issue", "4000"]).status == 0)
        let before = try #require(try quiet(["balance"]).json()["balance_msat"] as? Int)

        // A replay of the older snapshot is refused by every guardian; so is one signed by another mnemonic under
        // alice's client id (mallory's snapshot with alice's id in front).
        let replay = try await Self.callPatiently(federation.rpcURL(3), "backup_upload", ["backup": older])
        #expect(Self.errorText(replay).contains("backup_outdated"), "\(replay)")
        let malloryUpload = try #require(try federation.mint("mallory", ["backup", "--upload"]).json()["upload"] as? [String: Any])
        let malloryId = try #require(malloryUpload["client_id"] as? String)
        let mallorys = try #require(
            ((try await Self.callPatiently(federation.rpcURL(3), "backup_fetch", ["client_id": malloryId]))["result"] as? [String: Any])?["backup"]
                as? String)
        let forged = clientId + mallorys.dropFirst(64)
        let forgedAnswer = try await Self.callPatiently(federation.rpcURL(3), "backup_upload", ["backup": forged])
        #expect(Self.errorText(forgedAnswer).contains("backup_bad_signature"), "\(forgedAnswer)")

        let words = try #require(try federation.mint("alice", ["backup", "--show-mnemonic"]).json()["mnemonic"] as? String)
        let wordsFile = federation.directory.appendingPathComponent("words.txt")
        try Data((words + "\n").utf8).write(to: wordsFile)

        let recovered = try federation.mint("restored", ["recover", "--mnemonic-file", wordsFile.path, federation.invite])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stderr.contains("items/s"))
        let output = try recovered.json()
        #expect(output["balance_msat"] as? Int == before)
        let snapshot = try #require(output["snapshot"] as? [String: Any])
        #expect(snapshot["served_by"] as? [Int] == [3])
        let refused = try #require(snapshot["refused"] as? [String: String])
        #expect(Set(refused.keys) == ["0", "1"])
        let mint = try #require((output["modules"] as? [[String: Any]])?.first?["recovered"] as? [String: Any])
        #expect((mint["scan_from"] as? Int ?? 0) > 0)  // only the history after the snapshot was scanned
        #expect((mint["snapshot_notes"] as? Int ?? 0) > 0)
        #expect((mint["notes"] as? Int ?? 0) > (mint["snapshot_notes"] as? Int ?? 0))  // the dev-issue after it
        #expect(mint["restored_spends"] as? Int == 2)
        #expect(try federation.balance("restored") == before)
        let spends = try federation.mint("restored", ["list"])
        #expect(spends.stdout.components(separatedBy: "mint-spend").count - 1 == 2)
        // The restored spends are reclaimable as they were on the lost device (indexed again, so reclaimed when due).
        let reclaimable = try #require(try quiet(["balance", "--offline"]).json()["reclaimable_msat"] as? Int)
        #expect(reclaimable > 0)
        let restoredBalance = try federation.mint("restored", ["balance", "--offline"]).json()
        #expect(restoredBalance["reclaimable_msat"] as? Int == reclaimable)
        let reclaimableList = try federation.mint("restored", ["list", "--reclaimable"])
        #expect(reclaimableList.stdout.components(separatedBy: "mint-spend").count - 1 == 2)

        // Without a snapshot the whole history is scanned through the same lying guardian: every unspent note of
        // the mnemonic comes back, the unredeemed out-of-band spend included (docs/wallet.md).
        let full = try federation.mint("full", ["recover", "--no-snapshot", "--mnemonic-file", wordsFile.path, federation.invite])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(try full.json()["balance_msat"] as? Int == before + 2_000)

        // The restored wallet reuses no secret: it issues new notes and sends everything to bob.
        #expect(try federation.mint("restored", ["dev-issue", "9000"]).status == 0)
        let everything = try federation.spend("restored", try federation.balance("restored"))
        let received = try federation.mint("bob", ["reissue", everything])
        #expect(received.status == 0, "\(received.stdout) \(received.stderr)")
    }

    /// The flood targets guardian 0 alone: it comes from 127.0.0.1, as the test's own fm-mint does, and a flood
    /// exhausts its own address's cost budget at the guardians it reaches (by design). The other three serve the
    /// client; guardian 0 must keep applying blocks as fast as they do.
    @Test("a flood of snapshot uploads from one client does not stall consensus: the flooded guardian keeps applying blocks")
    func uploadFloodDoesNotStallConsensus() async throws {
        let federation = try EcashFederation(basePort: 18080)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        let upload = try #require(try federation.mint("alice", ["backup", "--upload"]).json()["upload"] as? [String: Any])
        let clientId = try #require(upload["client_id"] as? String)
        let blob = try #require(
            ((try await Self.callPatiently(federation.rpcURL(0), "backup_fetch", ["client_id": clientId]))["result"] as? [String: Any])?["backup"]
                as? String)
        // Guardian 0's status comes from the flooding address too: ask until the budget lets it through.
        func height(_ peer: Int) throws -> Int {
            for _ in 0..<150 {
                if let status = try? federation.status(peer) { return status["block_height"] as? Int ?? 0 }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return try federation.status(peer)["block_height"] as? Int ?? 0
        }
        func heights() throws -> (Int, Int) { (try height(0), try height(1)) }
        // Stopped by a flag, not by cancelling the task: cancelling a task group whose children are inside
        // FoundationNetworking's async URLSession calls can deadlock (the cancel handler syncs on the session's
        // queue while its completion waits for the task's status lock); that hung whole suite runs.
        let stop = UnsafeResults<Bool>(count: 1)
        let flooding = Task {
            var answered = 0
            while stop[0] != true {
                await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<16 {
                        group.addTask { (try? await Self.call(federation.rpcURL(0), "backup_upload", ["backup": blob])) != nil }
                    }
                    for await ok in group where ok { answered += 1 }
                }
            }
            return answered
        }
        try await Task.sleep(for: .seconds(1))
        let (start0, start1) = try heights()
        // While the flood runs, e-cash moves through consensus (blocks with transactions).
        for round in 0..<3 {
            let notes = try federation.spend("alice", 4_000 + round)
            let received = try federation.mint("bob", ["reissue", notes])
            #expect(received.status == 0, "\(received.stderr)")
        }
        let (end0, end1) = try heights()
        stop[0] = true
        let answered = await flooding.value
        #expect(answered > 100)
        // Guardian 0 applied blocks throughout, at the pace of the others (a lag of a few blocks is sampling).
        #expect(end0 > start0)
        #expect(end0 - start0 + 5 >= end1 - start1, "guardian 0: \(start0)→\(end0), guardian 1: \(start1)→\(end1)")
        // And the replayed snapshot was never stored over the newer state: alice's snapshot is still hers and current.
        // (The flood spent this address's cost budget at guardian 0: ask until it refills, within a bound.)
        var stored: String?
        for _ in 0..<60 where stored == nil {
            let after = try await Self.call(federation.rpcURL(0), "backup_fetch", ["client_id": clientId])
            stored = (after["result"] as? [String: Any])?["backup"] as? String
            if stored == nil { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(stored != nil)
    }
}
