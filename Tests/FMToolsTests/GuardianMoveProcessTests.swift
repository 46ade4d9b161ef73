import FMTesting
import Foundation
import Testing

/// Moving a guardian (issue 22): guardian 3 announces a new API port with `fm-node set-api-url`, every guardian
/// serves the signed announcement, guardian 3 restarts on that port, and a client that joined before the move
/// reaches it there (with guardian 0 down, its reissue needs guardian 3) and keeps the new URL. A forged
/// announcement and a replayed one are refused.
@Suite(.serialized)
struct GuardianMoveProcessTests {
    static func announcements(_ federation: EcashFederation, _ peer: Int) async throws -> [[String: Any]] {
        let answer = try await RecoveryBackupTests.call(federation.rpcURL(peer), "api_announcements", [:])
        return (answer["result"] as? [String: Any])?["announcements"] as? [[String: Any]] ?? []
    }

    static func setPort(_ federation: EcashFederation, _ peer: Int, _ port: Int) throws {
        let url = federation.directory.appendingPathComponent("fed/guardian-\(peer)/local.json")
        var local = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        local["api_bind_port"] = port
        try JSONSerialization.data(withJSONObject: local).write(to: url)
    }

    @Test(
        "a guardian moved to a new port is found by a client joined before the move; forged and replayed announcements are refused",
        .timeLimit(.minutes(4)))
    func moveGuardian() async throws {
        let federation = try EcashFederation(basePort: 18186)
        defer { federation.stop() }
        try federation.join("alice")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)

        let port = federation.basePort + 2 * federation.peers
        #expect(EcashFederation.isFree(port))
        let newURL = "ws://127.0.0.1:\(port)/"
        let set = try GuardianOperationsProcessTests.admin(federation, 3, ["set-api-url", newURL])
        #expect(set.status == 0, "\(set.stderr)")
        let announcement = try set.json()
        #expect(announcement["url"] as? String == newURL)
        #expect(announcement["peer"] as? Int == 3)

        // Every guardian serves it, through consensus.
        let deadline = Date().addingTimeInterval(60)
        var served: [Int: String] = [:]
        while Date() < deadline, served.count < 4 {
            for peer in 0..<4 where served[peer] == nil {
                if let found = try await Self.announcements(federation, peer).first(where: { $0["peer"] as? Int == 3 }) {
                    served[peer] = found["url"] as? String
                }
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(served == [0: newURL, 1: newURL, 2: newURL, 3: newURL])

        // Forged (another URL under guardian 3's signature) and replayed (the same sequence again): refused.
        var forged = announcement
        forged["url"] = "ws://127.0.0.1:1/"
        let forgery = try await RecoveryBackupTests.call(federation.rpcURL(1), "submit_api_announcement", ["announcement": forged])
        #expect(RecoveryBackupTests.errorText(forgery).contains("signature does not verify"), "\(forgery)")
        let replay = try await RecoveryBackupTests.call(federation.rpcURL(2), "submit_api_announcement", ["announcement": announcement])
        #expect(RecoveryBackupTests.errorText(replay).contains("not above"), "\(replay)")
        // A forgery made by another guardian through consensus is the processing tests' case; here nothing changed.
        try await Task.sleep(for: .seconds(2))
        for peer in 0..<4 {
            #expect(try await Self.announcements(federation, peer).first { $0["peer"] as? Int == 3 }?["url"] as? String == newURL)
        }

        // Guardian 3 moves; guardian 0 goes down, so the client's reissue needs guardian 3 at its new address.
        federation.kill(3, signal: SIGTERM)
        try Self.setPort(federation, 3, port)
        try federation.start(3)
        var up = false
        for _ in 0..<150 where !up {
            up = (try? ToolRunner.run("fm-node", ["status", "--api", newURL]).status) == 0
            if !up { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(up, "guardian 3 did not come up on \(newURL): \(federation.log(3))")
        federation.kill(0, signal: SIGTERM)

        let notes = try federation.spend("alice", 5000)
        let reissue = try federation.mint("alice", ["reissue", notes])
        #expect(reissue.status == 0, "reissue with guardians 1, 2 and the moved 3: \(reissue.stderr)")
        let info = try federation.mint("alice", ["info"]).json()
        let peers = info["peers"] as? [[String: Any]] ?? []
        #expect(peers.first { $0["peer_id"] as? Int == 3 }?["api_url"] as? String == newURL, "\(peers)")
    }

    /// Items submitted at guardian `peer` and not yet ordered (its `status`).
    static func pendingItems(_ federation: EcashFederation, _ peer: Int) async throws -> Int {
        let answer = try await RecoveryBackupTests.call(federation.rpcURL(peer), "status", [:])
        return try #require((answer["result"] as? [String: Any])?["pending_items"] as? Int, "\(answer)")
    }

    /// Review 3: `submit_api_announcement` (public) passed every call to the consensus engine until the announcement
    /// was applied; the engine refused byte-identical repeats as duplicates, which the caller got as -32603
    /// "internal error". With consensus stopped (two of four guardians down), what guardian 1 is asked to relay stays
    /// pending there: ten calls now all succeed and add one item (before the fix: nine internal errors).
    @Test("an announcement relayed again while it is pending is not submitted again", .timeLimit(.minutes(3)))
    func repeatedRelayIsOneItem() async throws {
        let federation = try EcashFederation(basePort: 18_110)
        defer { federation.stop() }
        federation.kill(0, signal: SIGTERM)
        federation.kill(2, signal: SIGTERM)
        let set = try GuardianOperationsProcessTests.admin(
            federation, 3, ["set-api-url", "ws://127.0.0.1:\(federation.basePort + 2 * federation.peers)/"])
        #expect(set.status == 0, "\(set.stderr)")
        let announcement = try set.json()
        let before = try await Self.pendingItems(federation, 1)
        for _ in 0..<10 {
            let answer = try await RecoveryBackupTests.call(federation.rpcURL(1), "submit_api_announcement", ["announcement": announcement])
            #expect(answer["error"] == nil, "\(answer)")
        }
        let added = try await Self.pendingItems(federation, 1) - before
        // One relay; a guardian's own periodic items may add one or two meanwhile.
        #expect((1...3).contains(added), "\(added) items added by 10 relays")
    }
}
