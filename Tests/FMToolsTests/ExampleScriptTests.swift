import FMTesting
import Foundation
import Testing

/// Every script in examples/ runs against the commands of this build.
@Suite struct ExampleScriptTests {
    static let examples = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    func runExample(_ name: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let (status, _, stderr) = try runExampleCapturing(name, arguments)
        return (status, stderr)
    }

    func runExampleCapturing(_ name: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.examples.appendingPathComponent(name).path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = ToolRunner.binDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let errURL = dir.appendingPathComponent("stderr"), outURL = dir.appendingPathComponent("stdout")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8),
            try String(contentsOf: errURL, encoding: .utf8)
        )
    }

    /// The e-cash user story in a shell: 4 guardians, two wallets, notes through a pipe, no double spend.
    @Test func localFederationMovesNotesBetweenTwoWallets() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, stdout, stderr) = try runExampleCapturing("local-federation.sh", [dir.path, "17400"])
        #expect(status == 0, "\(stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        #expect(summary["alice_msat"] as? Int == 68_200)  // 99,400 issued − 30,000 sent − 1,200 change fees
        #expect(summary["bob_msat"] as? Int == 28_800)  // 30,000 received − 1,200 reissue fees
        #expect((summary["audit"] as? [String: Any])?["solvent"] as? Bool == true)
        #expect(stderr.contains("refused (already spent)"))
    }

    @Test func setupCodesForFourGuardians() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runExample("setup-codes.sh", [dir.path, "4"])
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
