import FMTesting
import Foundation
import Testing

/// The example scripts that docs/ and the README point to, each run end to end against this build's commands
/// (ports 19000–19099 are this file's), and a check that no script in examples/ goes untested.
@Suite struct ExamplesDocsTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A 1-guardian dev federation: a wallet joins, gets dev e-cash, and the guardian reports progress.
    @Test func singleGuardianFederationWorks() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("single-guardian.sh", [dir.appendingPathComponent("fm1").path, "19000"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try Self.json(result.stdout)
        #expect(summary["threshold"] as? Int == 1)
        // 10,000 dev-issued minus the mint's fees (100 msat for the input and for each note issued).
        let balance = try #require(summary["balance_msat"] as? Int)
        #expect(balance > 9_000 && balance < 10_000, "balance \(balance)")
        #expect(summary["solvent"] as? Bool == true)
        #expect((summary["block_height"] as? Int ?? 0) >= 1)
        #expect((summary["invite_code"] as? String)?.hasPrefix("fed1") == true)
    }

    /// Alice pays bob through a file: bob ends up with the payment minus his reissue fees, and the file is gone.
    @Test func payAFriendByFile() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let work = dir.appendingPathComponent("pay")
        let result = try ExampleScript.run("pay-a-friend-by-file.sh", [work.path, "19010"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try Self.json(result.stdout)
        #expect(summary["file_deleted"] as? Bool == true)
        #expect(summary["file_mode"] as? String == "600")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("payment-for-bob.fmnotes").path))
        // 20,000 msat arrive as notes 16,384 + 2,048 + 1,024 + 512 + 32 (5 notes); reissuing costs 100 per note in
        // and per note out.
        let bob = try #require(summary["bob_msat"] as? Int)
        #expect(bob > 18_000 && bob < 20_000, "bob has \(bob) msat")
        let alice = try #require(summary["alice_msat"] as? Int)
        #expect(alice < 50_000 - 20_000, "alice has \(alice) msat")
        #expect(result.stderr.contains("\"valid\":true"))
    }

    /// Four guardians' /metrics scraped into JSON: the traffic the script made is counted, nothing failed.
    @Test func watchMetricsReportsEveryGuardian() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("watch-metrics.sh", [dir.appendingPathComponent("metrics").path, "19020"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let round = try Self.json(String(try #require(lines.first)))
        let guardians = try #require(round["guardians"] as? [[String: Any]])
        #expect(guardians.map { $0["peer"] as? Int } == [0, 1, 2, 3])
        for guardian in guardians {
            let byMethod = try #require(guardian["requests_by_method"] as? [String: Int])
            // Every guardian was asked for its status (the script waited for it) and for the consensus config (join).
            #expect((byMethod["status"] ?? 0) >= 1, "\(guardian)")
            #expect((byMethod["consensus_config"] ?? 0) >= 1, "\(guardian)")
            #expect((guardian["requests_ok"] as? Int ?? 0) >= 2)
            #expect((guardian["block_height"] as? Int ?? 0) >= 1)
        }
    }

    /// The wallet directory is deleted; the mnemonic alone brings back exactly its balance, and the wallet pays again.
    @Test func recoverAWalletFromItsMnemonic() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ExampleScript.run("recover-wallet.sh", [dir.appendingPathComponent("recover").path, "19040"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try Self.json(result.stdout)
        let before = try #require(summary["balance_before_msat"] as? Int)
        #expect(before > 0)
        #expect(summary["recovered_msat"] as? Int == before)
        #expect((summary["after_paying_again_msat"] as? Int ?? .max) < before - 5_000)
        let mint = try #require((summary["recovery"] as? [[String: Any]])?.first { $0["kind"] as? String == "mint" })
        // The wallet uploaded a snapshot after its payment, so recovery starts from it (its notes, none paid away);
        // without one, the scan finds the paid-away notes and sees them as spent.
        let recovered = try #require(mint["recovered"] as? [String: Any])
        #expect((recovered["snapshot_notes"] as? Int ?? 0) > 0 || (recovered["spent_notes"] as? Int ?? 0) > 0, "\(recovered)")
    }

    /// Every script in examples/ is run by some test: its file name appears in a test file under Tests/.
    @Test func everyExampleIsTested() throws {
        let root = ExampleScript.directory.deletingLastPathComponent()
        let scripts = try FileManager.default.contentsOfDirectory(atPath: ExampleScript.directory.path)
            .filter { $0.hasSuffix(".sh") }.sorted()
        #expect(!scripts.isEmpty)
        var testSources = ""
        let tests = root.appendingPathComponent("Tests")
        let walker = try #require(FileManager.default.enumerator(atPath: tests.path))
        for case let path as String in walker where path.hasSuffix(".swift") && !path.hasSuffix("ExamplesDocsTests.swift") {
            testSources += try String(contentsOf: tests.appendingPathComponent(path), encoding: .utf8)
        }
        // This file names its own scripts in ExampleScript.run calls; count those too, but not the check below.
        let own = try String(contentsOf: tests.appendingPathComponent("FMToolsTests/ExamplesDocsTests.swift"), encoding: .utf8)
        testSources += own.components(separatedBy: "func everyExampleIsTested").first ?? ""
        let untested = scripts.filter { !testSources.contains("\"\($0)\"") }
        #expect(untested.isEmpty, "examples without a test that runs them: \(untested)")
    }
}
