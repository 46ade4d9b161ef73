import FMTesting
import Foundation
import Testing

/// Spends that come back (issue 23): `fm-mint spend --reclaim-after`, automatic reclaim by the next command that
/// reaches the federation, `fm-mint reclaim`, and a receiver racing a reclaim.
@Suite(.serialized) struct WalletReclaimTests {
    @Test("a spend never redeemed comes back after its reclaim time, whole but for the fee; one redeemed first does not")
    func reclaimAfterTimeout() throws {
        let federation = try EcashFederation(basePort: 18120)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        let before = try federation.balance("alice")
        let spent = try federation.mint("alice", ["spend", "5000", "--reclaim-after", "2s"])
        #expect(spent.status == 0, "\(spent.stderr)")
        let spend = try spent.json()
        let id = try #require(spend["operation_id"] as? String)
        #expect(spend["reclaim_after"] is String)
        let afterSpend = before - 5000 - (spend["fee_msat"] as? Int ?? -1)
        let out = try federation.mint("alice", ["balance", "--offline"]).json()
        #expect(out["spendable_msat"] as? Int == afterSpend && out["reclaimable_msat"] as? Int == 5000)
        let listed = try federation.mint("alice", ["list", "--reclaimable"]).json()["operations"] as? [[String: Any]]
        #expect(listed?.compactMap { $0["id"] as? String } == [id])

        Thread.sleep(forTimeInterval: 2.5)
        let back = try federation.mint("alice", ["balance"])
        #expect(back.status == 0 && back.stderr.contains("spend \(id) was not redeemed by its reclaim time: reclaimed"), "\(back.stderr)")
        let record = try Self.operation(id, in: federation, wallet: "alice")
        let result = try #require(record["result"] as? [String: Any])
        #expect(result["reclaim_status"] as? String == "reclaimed")
        let reclaim = try federation.mint("alice", ["await", try #require(result["reclaim_operation_id"] as? String)]).json()
        let reclaimFee = try #require(reclaim["fee_msat"] as? Int)
        let whole = try federation.mint("alice", ["balance", "--offline"]).json()
        #expect(whole["spendable_msat"] as? Int == afterSpend + 5000 - reclaimFee && whole["reclaimable_msat"] as? Int == 0)
        let again = try federation.mint("alice", ["reclaim", id])
        #expect(again.status == 1 && again.stderr.contains("it is reclaimed"), "\(again.stderr)")

        // Redeemed before its time: the reclaim finds the notes spent, says so, and the balance does not move.
        let second = try federation.mint("alice", ["spend", "3000", "--reclaim-after", "2s"]).json()
        let secondId = try #require(second["operation_id"] as? String)
        #expect(try federation.mint("bob", ["reissue", try #require(second["notes"] as? String)]).status == 0)
        let held = try #require(try federation.mint("alice", ["balance", "--offline"]).json()["spendable_msat"] as? Int)
        Thread.sleep(forTimeInterval: 2.5)
        let after = try federation.mint("alice", ["balance"])
        #expect(after.stderr.contains("spend \(secondId) was not redeemed by its reclaim time: redeemed"), "\(after.stderr)")
        #expect(try after.json()["spendable_msat"] as? Int == held && after.json()["reclaimable_msat"] as? Int == 0)
        let secondRecord = try Self.operation(secondId, in: federation, wallet: "alice")
        #expect((secondRecord["result"] as? [String: Any])?["reclaim_status"] as? String == "redeemed")
        let audit = try federation.audit(0)
        #expect(audit["liabilities"] as? Int == (try federation.balance("alice") + federation.balance("bob")))
    }

    @Test("a receiver and a reclaim racing for the same notes, 20 times: exactly one wins, balances exact", .timeLimit(.minutes(10)))
    func receiverRacesReclaim() throws {
        let federation = try EcashFederation(basePort: 18130)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "200000"]).status == 0)
        var wins = (receiver: 0, reclaim: 0)
        for round in 0..<20 {
            let spend = try federation.mint("alice", ["spend", "3000", "--reclaim-after", "1h"]).json()
            let id = try #require(spend["operation_id"] as? String), notes = try #require(spend["notes"] as? String)
            let receiverFee = try #require(spend["receiver_fee_msat"] as? Int)
            let alice = try federation.balance("alice"), bob = try federation.balance("bob")

            let results = UnsafeResults<ToolRunner.Result>(count: 2)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                results[index] = try? federation.mint(index == 0 ? "bob" : "alice", index == 0 ? ["reissue", notes] : ["reclaim", id])
            }
            let receiver = try #require(results[0]), reclaim = try #require(results[1])
            #expect([receiver.status, reclaim.status].sorted() == [0, 1], "round \(round): \(receiver.stderr) | \(reclaim.stderr)")
            // A lost reclaim prints its outcome, then the error line (exit 1), like a failed `await`.
            let firstLine = String(reclaim.stdout.split(separator: "\n").first ?? "")
            let reclaimOutput = try #require(try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any])
            if receiver.status == 0 {
                wins.receiver += 1
                #expect(reclaimOutput["reclaim_status"] as? String == "redeemed")
                #expect(reclaim.stderr.contains("redeemed by the receiver"), "\(reclaim.stderr)")
                #expect(try federation.balance("bob") == bob + 3000 - receiverFee)
                #expect(try federation.balance("alice") == alice)
            } else {
                wins.reclaim += 1
                #expect(receiver.stderr.contains("already spent"), "\(receiver.stderr)")
                #expect(reclaimOutput["reclaim_status"] as? String == "reclaimed")
                let reclaimed = try #require(reclaimOutput["reclaimed_msat"] as? Int)
                #expect(reclaimed == 3000 - (reclaimOutput["fee_msat"] as? Int ?? -1))
                #expect(try federation.balance("alice") == alice + reclaimed)
                #expect(try federation.balance("bob") == bob)
            }
            #expect(try federation.mint("alice", ["balance", "--offline"]).json()["reclaimable_msat"] as? Int == 0)
        }
        #expect(wins.receiver + wins.reclaim == 20)
        let audit = try federation.audit(0)
        #expect(audit["liabilities"] as? Int == (try federation.balance("alice") + federation.balance("bob")))
    }

    static func operation(_ id: String, in federation: EcashFederation, wallet: String) throws -> [String: Any] {
        let operations = try federation.mint(wallet, ["list"]).json()["operations"] as? [[String: Any]]
        return try #require(operations?.first { $0["id"] as? String == id })
    }
}
