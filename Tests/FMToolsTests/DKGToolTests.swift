import FMTesting
import Foundation
import Testing

/// fm-dkg's contract as operators and scripts see it (ports 18220–18259).
@Suite(.serialized) struct DKGToolTests {
    let env = ["FM_PASSPHRASE": "correct-horse-battery"]

    /// Makes `n` identities in `dir`; guardian i listens on `basePort + 2i` (API + 1). Returns the setup codes.
    func keygen(_ n: Int, in dir: URL, basePort: Int) throws -> [String] {
        try (0..<n).map { i in
            let result = try ToolRunner.run(
                "fm-keygen",
                ["--dir", dir.appendingPathComponent("g\(i)").path, "--name", "guardian-\(i)",
                 "--p2p-url", "fm://127.0.0.1:\(basePort + 2 * i)", "--api-url", "ws://127.0.0.1:\(basePort + 2 * i + 1)/"],
                environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func helpShowsExamples() throws {
        let result = try ToolRunner.run("fm-dkg", ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("fm-dkg --identity-dir"))
    }

    @Test func aSingleGuardianFederationWritesSealedConfigsOnce() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let codes = try keygen(1, in: tmp, basePort: 18_220)
        let configDir = tmp.appendingPathComponent("g0/config").path
        let arguments = ["--identity-dir", tmp.appendingPathComponent("g0").path, "--config-dir", configDir,
                         "--max-exponent", "3", "--timeout", "20"]
        let result = try ToolRunner.run("fm-dkg", arguments, environment: env, stdin: codes.joined(separator: "\n"))
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try result.json()
        #expect(summary["peer_id"] as? Int == 0)
        #expect(summary["threshold"] as? Int == 1)
        #expect((summary["invite_code"] as? String)?.hasPrefix("fed1") == true)
        #expect(summary["consensus_config_hash"] as? String == summary["federation_id"] as? String)
        #expect(summary["config_dir"] as? String == configDir)
        let files = try FileManager.default.contentsOfDirectory(atPath: configDir).sorted()
        #expect(files == ["client.json", "consensus.json", "local.json", "private.json"])
        let privatePath = (configDir as NSString).appendingPathComponent("private.json")
        #expect(try FileManager.default.attributesOfItem(atPath: privatePath)[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: privatePath, encoding: .utf8).contains("chacha20-poly1305"))

        let again = try ToolRunner.run("fm-dkg", arguments, environment: env, stdin: codes.joined(separator: "\n"))
        #expect(again.status == 2)
        #expect(try again.json()["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "config_exists")
    }

    @Test func badSetupCodesAreRefusedNamingTheLineAndField() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let codes = try keygen(2, in: tmp, basePort: 18_224)
        let arguments = ["--identity-dir", tmp.appendingPathComponent("g0").path,
                         "--config-dir", tmp.appendingPathComponent("out").path]
        let duplicate = try ToolRunner.run(
            "fm-dkg", arguments, environment: env, stdin: [codes[0], codes[1], codes[0]].joined(separator: "\n"))
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("stdin line 3: name"), "\(duplicate.stderr)")
        let garbage = try ToolRunner.run("fm-dkg", arguments, environment: env, stdin: codes[0] + "\n{\"version\": 1}\n")
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains("stdin line 2"), "\(garbage.stderr)")
        let notMine = try ToolRunner.run("fm-dkg", arguments, environment: env, stdin: codes[1])
        #expect(notMine.status == 2)
        #expect(notMine.stderr.contains("--identity-dir"), "\(notMine.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.appendingPathComponent("out").path))
    }

    @Test func aGuardianThatNeverStartsIsNamedAfterTheTimeout() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let codes = try keygen(2, in: tmp, basePort: 18_228)
        let out = tmp.appendingPathComponent("out").path
        let result = try ToolRunner.run(
            "fm-dkg", ["--identity-dir", tmp.appendingPathComponent("g0").path, "--config-dir", out, "--timeout", "2"],
            environment: env, stdin: codes.joined(separator: "\n"))
        #expect(result.status == 3)
        #expect(result.stderr.contains("guardian-1 (peer 1)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// The operator story: fm-keygen ×4 → fm-dkg ×4 (staggered) → fm-node ×4 → e-cash between two wallets.
    @Test func fourGuardiansSetUpAFederationWithoutADealer() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, stdout, stderr) = try ExampleScript.run("four-guardians-dkg.sh", [dir.path, "18240"])
        #expect(status == 0, "\(stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(summary["guardians"] as? Int == 4)
        #expect(summary["threshold"] as? Int == 3)
        #expect(summary["consensus_config_hash"] as? String == summary["federation_id"] as? String)
        #expect(summary["alice_msat"] as? Int == 68_200)  // 99,400 issued − 30,000 sent − 1,200 change fees
        #expect(summary["bob_msat"] as? Int == 28_800)  // 30,000 received − 1,200 reissue fees
        #expect((summary["audit"] as? [String: Any])?["solvent"] as? Bool == true)
        #expect(stderr.contains("refused (already spent)"))
    }
}
