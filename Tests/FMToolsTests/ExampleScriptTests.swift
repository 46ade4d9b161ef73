import FMTesting
import Foundation
import Testing

/// Every script in examples/ runs against the commands of this build (other files of this target test the rest).
@Suite struct ExampleScriptTests {
    /// The e-cash user story in a shell: 4 guardians, two wallets, notes through a pipe, no double spend.
    @Test func localFederationMovesNotesBetweenTwoWallets() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, stdout, stderr) = try ExampleScript.run("local-federation.sh", [dir.path, "17400"])
        #expect(status == 0, "\(stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(summary["alice_msat"] as? Int == 68_200)  // 99,400 issued − 30,000 sent − 1,200 change fees
        #expect(summary["bob_msat"] as? Int == 28_800)  // 30,000 received − 1,200 reissue fees
        #expect((summary["audit"] as? [String: Any])?["solvent"] as? Bool == true)
        #expect(stderr.contains("refused (already spent)"))
    }

    /// What bin/demo runs: fm-regtest, fm-keygen → fm-dkg → fm-node ×4, two peg-ins, notes through a pipe, a peg-out,
    /// then a Lightning payment each way through fm-gateway.
    @Test func bitcoinFederationFromKeygenToPegOut() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, stdout, stderr) = try ExampleScript.run("bitcoin-federation.sh", [dir.path, "17500"])
        #expect(status == 0, "\(stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(summary["federation_id"] as? String == summary["consensus_config_hash"] as? String)
        let pegout = try #require(summary["pegout"] as? [String: Any])
        #expect(pegout["paid_sats"] as? Int == 120_000)
        #expect(pegout["confirmations"] as? Int == 1)
        // alice: 200,000 sat pegged in, less the peg-in fee, 50,000 sat sent and the change reissue's fee, then the
        // gateway's 20,000 sat float and a 10,000 sat Lightning payment with the gateway's 102,000 msat fee.
        let alice = try #require(summary["alice_msat"] as? Int)
        let lightningSpent = 20_000_000 + 10_000_000 + 102_000
        #expect(alice < 150_000_000 - lightningSpent && alice > 149_900_000 - lightningSpent)
        // The script itself fails unless every Lightning balance reconciles to the msat.
        let lightning = try #require(summary["lightning"] as? [String: Any])
        #expect(lightning["reconciled"] as? Bool == true)
        #expect((lightning["bob_received"] as? [String: Any])?["amount_msat"] as? Int == 4_948_000)
        #expect(stderr.contains("Lightning balances reconcile to the msat"))
        #expect((summary["guardians"] as? [Any])?.count == 4)
        #expect((summary["audit"] as? [String: Any])?["solvent"] as? Bool == true)
        #expect(stderr.contains("refused (already spent)"))
    }

    @Test func setupCodesForFourGuardians() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("setup-codes.sh", [dir.path, "4"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOf: dir.appendingPathComponent("setup-codes.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 4)
        let keys = try lines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["consensus_public_key"] as? String)
        }
        #expect(Set(keys).count == 4, "every guardian has its own key")
    }
}
