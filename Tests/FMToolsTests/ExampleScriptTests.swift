import FMTesting
import Foundation
import Testing

/// Every script in examples/ runs against the commands of this build.
@Suite struct ExampleScriptTests {
    static let examples = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    func runExample(_ name: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.examples.appendingPathComponent(name).path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = ToolRunner.binDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
