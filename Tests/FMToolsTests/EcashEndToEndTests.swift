import FMTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// E-cash end to end against real `fm-node` processes and the `fm-mint` command (issue 6). Each test starts
/// its own dev federation on loopback ports 18000–18199.
@Suite(.serialized) struct EcashEndToEndTests {
    @Test("two clients reissue the same note string at the same moment: exactly one gets the money")
    func concurrentDoubleSpend() throws {
        let federation = try EcashFederation(basePort: 18000)
        defer { federation.stop() }
        try federation.join("alice", "bob", "carol")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        let notes = try federation.spend("alice", 5000)

        let results = UnsafeResults<ToolRunner.Result>(count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            results[index] = try? federation.mint(index == 0 ? "bob" : "carol", ["reissue", notes])
        }
        let bob = try #require(results[0]), carol = try #require(results[1])
        #expect([bob.status, carol.status].sorted() == [0, 1], "bob: \(bob.stderr) carol: \(carol.stderr)")
        let loser = bob.status == 0 ? carol : bob
        #expect((loser.stdout + loser.stderr).contains("already spent"), "\(loser.stdout) \(loser.stderr)")

        // The winner holds the 5000 msat minus fees, the loser nothing; the federation owes exactly what the wallets hold.
        let balances = try ["alice", "bob", "carol"].map(federation.balance)
        #expect(max(balances[1], balances[2]) > 0 && max(balances[1], balances[2]) < 5_000)  // 5000 − reissue fees
        #expect(min(balances[1], balances[2]) == 0)
        let audit = try federation.audit(0)
        #expect(audit["liabilities"] as? Int == balances.reduce(0, +))
        #expect(audit["solvent"] as? Bool == true)
    }

    @Test("recovery from the mnemonic alone restores the exact balance; spent notes are not counted; new notes reuse no secret")
    func recoverFromMnemonic() throws {
        let federation = try EcashFederation(basePort: 18010)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "60000"]).status == 0)
        let sent = try federation.spend("alice", 12_345)
        #expect(try federation.mint("bob", ["reissue", sent]).status == 0)
        #expect(try federation.mint("alice", ["dev-issue", "3000"]).status == 0)
        let before = try federation.balance("alice")

        let backup = try federation.mint("alice", ["backup", "--show-mnemonic"])
        let words = try #require(try backup.json()["mnemonic"] as? String)
        let wordsFile = federation.directory.appendingPathComponent("words.txt")
        try Data((words + "\n").utf8).write(to: wordsFile)

        // A bad mnemonic is refused as bad input, and the directory stays empty.
        let bad = try federation.mint("bad", ["recover", federation.invite], stdin: "abandon abandon zoo\n")
        #expect(bad.status == 2)

        let recovered = try federation.mint(
            "restored", ["recover", "--no-snapshot", "--mnemonic-file", wordsFile.path, federation.invite])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        let output = try recovered.json()
        #expect(output["balance_msat"] as? Int == before)
        let mint = try #require((output["modules"] as? [[String: Any]])?.first?["recovered"] as? [String: Any])
        #expect(mint["recovered_msat"] as? Int == before)
        #expect((mint["spent_notes"] as? Int ?? 0) >= 1)  // the notes alice sent and bob reissued
        #expect(try federation.balance("restored") == before)

        // Recovering a second time into the same directory is refused.
        #expect(try federation.mint("restored", ["recover", "--mnemonic-file", wordsFile.path, federation.invite]).status != 0)

        // The restored wallet issues new notes and sends everything: if a new note reused an old index its
        // nonce would be spent already and bob's reissue would be rejected.
        #expect(try federation.mint("restored", ["dev-issue", "9000"]).status == 0)
        let all = try federation.balance("restored")
        let everything = try federation.spend("restored", all)
        let received = try federation.mint("bob", ["reissue", everything])
        #expect(received.status == 0, "\(received.stdout) \(received.stderr)")
        #expect(try federation.balance("restored") == 0)
    }

    @Test("a guardian killed with -9 while issuances and reissues run restarts, catches up, and no note is lost")
    func killNineMidTraffic() throws {
        let federation = try EcashFederation(basePort: 18020)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "80000"]).status == 0)

        let failures = UnsafeResults<String>(count: 1)
        let traffic = DispatchGroup()
        DispatchQueue.global().async(group: traffic) {
            do {
                for round in 0..<4 {
                    let notes = try federation.spend("alice", 1_000 + 37 * round)
                    // A command cut short by the kill leaves its operation persisted; the next command resumes
                    // it, and a repeat of an already accepted reissue is refused as spent.
                    var received = false
                    for _ in 0..<6 where !received {
                        let result = try federation.mint("bob", ["reissue", notes])
                        received = result.status == 0 || result.stdout.contains("already spent")
                        if !received { Thread.sleep(forTimeInterval: 0.5) }
                    }
                    if !received { failures[0] = "bob never received round \(round)"; return }
                    if round % 2 == 0 { _ = try federation.mint("bob", ["dev-issue", "700"]) }
                }
            } catch {
                failures[0] = "\(error)"
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        federation.kill(3, signal: SIGKILL)
        Thread.sleep(forTimeInterval: 1.5)
        try federation.start(3)
        traffic.wait()
        #expect(failures[0] == nil, "\(failures[0] ?? "")")

        // The restarted guardian reaches the height the others had once traffic ended.
        try federation.waitUntilServing(3)
        let target = try #require(try federation.status(0)["block_height"] as? Int)
        var caughtUp = 0
        for _ in 0..<300 {
            caughtUp = (try? federation.status(3)["block_height"] as? Int) ?? 0
            if caughtUp >= target { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(caughtUp >= target, "guardian 3 at \(caughtUp), guardian 0 was at \(target)")

        // Every wallet operation finishes (balance resumes them); all four guardians owe exactly what the wallets hold.
        let held = try federation.balance("alice") + federation.balance("bob")
        for peer in 0..<4 {
            let audit = try federation.audit(peer)
            #expect(audit["liabilities"] as? Int == held, "guardian \(peer): \(audit)")
            #expect(audit["solvent"] as? Bool == true)
            #expect(try federation.status(peer)["halted_reason"] == nil)
        }
    }

    @Test("one guardian serving wrong signature shares through the real API: clients finish and name it")
    func lyingGuardianIsNamed() throws {
        let federation = try EcashFederation(basePort: 18030, environment: [2: ["FM_TEST_MINT_INVALID_SHARES": "1"]])
        defer { federation.stop() }
        #expect(federation.log(2).contains("TEST FAULT"))
        try federation.join("alice", "bob")
        let issued = try federation.mint("alice", ["dev-issue", "100000"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let result = try #require(try issued.json()["result"] as? [String: Any])
        #expect(result["invalid_share_peers"] as? [Int] == [2], "\(result)")
        #expect(try federation.balance("alice") == 99_400)

        let notes = try federation.spend("alice", 30_000)
        let received = try federation.mint("bob", ["reissue", notes])
        #expect(received.status == 0, "\(received.stderr)")
        #expect((try received.json()["result"] as? [String: Any])?["invalid_share_peers"] as? [Int] == [2])
        #expect(try federation.balance("bob") == 28_800)
    }

    @Test("malformed, mistyped, unknown and oversized JSON-RPC requests get JSON-RPC errors; fm-node keeps serving")
    func malformedRequests() async throws {
        let federation = try EcashFederation(basePort: 18040, peers: 1)
        defer { federation.stop() }
        let url = federation.rpcURL(0)

        func post(_ body: Data) async throws -> (status: Int, json: [String: Any]) {
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (data, response) = try await URLSession.shared.data(for: request)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
        }
        func errorCode(_ json: [String: Any]) -> Int? { (json["error"] as? [String: Any])?["code"] as? Int }
        func errorField(_ json: [String: Any]) -> String? {
            ((json["error"] as? [String: Any])?["data"] as? [String: Any])?["field"] as? String
        }

        let badJSON = try await post(Data(#"{"jsonrpc":"2.0","id":1,"method":"status""#.utf8))
        #expect(errorCode(badJSON.json) == -32700)
        let wrongType = try await post(Data(#"{"jsonrpc":"2.0","id":2,"method":"await_transaction","params":{"txid":5}}"#.utf8))
        #expect(errorCode(wrongType.json) == -32602)
        #expect(errorField(wrongType.json) == "params.txid")
        let moduleWrongType = try await post(Data(#"{"jsonrpc":"2.0","id":3,"method":"mint/spent_nonces","params":{"nonces":"ab"}}"#.utf8))
        #expect(errorCode(moduleWrongType.json) == -32602)
        #expect(errorField(moduleWrongType.json) == "params.nonces")
        let unknown = try await post(Data(#"{"jsonrpc":"2.0","id":4,"method":"mint/print_money"}"#.utf8))
        #expect(errorCode(unknown.json) == -32601)
        let notAnObject = try await post(Data(#"[1,2,3]"#.utf8))
        #expect(errorCode(notAnObject.json) == -32600)
        let padding = String(repeating: "a", count: 3 << 19)  // 1.5 MiB, over the 1 MiB limit
        let oversized = try await post(Data(#"{"jsonrpc":"2.0","id":5,"method":"status","params":{"x":"\#(padding)"}}"#.utf8))
        #expect(oversized.status == 413)
        #expect(errorCode(oversized.json) == -32001)

        // Still serving: the status page, and e-cash issuance through the same guardian.
        let status = try await post(Data(#"{"jsonrpc":"2.0","id":6,"method":"status"}"#.utf8))
        #expect((status.json["result"] as? [String: Any])?["halted_reason"] == nil)
        #expect((status.json["result"] as? [String: Any])?["consensus_running"] as? Bool == true)
        try federation.join("alice")
        #expect(try federation.mint("alice", ["dev-issue", "1000"]).status == 0)
        #expect(try federation.balance("alice") > 0)
    }
}

/// Results written by concurrent workers at distinct indices (each index by one worker only).
final class UnsafeResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { lock.withLock { values[index] } }
        set { lock.withLock { values[index] = newValue } }
    }
}
