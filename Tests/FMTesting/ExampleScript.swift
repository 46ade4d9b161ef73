import Foundation

/// Runs a script from examples/ with this build's commands first on PATH, as a user who sourced bin/activate would.
public enum ExampleScript {
    public static let directory = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    /// Runs `examples/<name> arguments…` under bash and returns its exit status, stdout and stderr.
    public static func run(
        _ name: String, _ arguments: [String], environment extra: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [directory.appendingPathComponent(name).path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = ToolRunner.binDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Files, not pipes: a chatty script must not block on a full pipe while we wait for it.
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

    /// A failed script's stderr for a test's message: the line its ERR trap wrote (`failed (exit N) at line L:
    /// COMMAND`) first, so a truncated report still names the command, then the whole text.
    public static func failureSummary(_ stderr: String) -> String {
        let failures = stderr.split(separator: "\n").filter { $0.contains("failed (exit ") }
        return (failures.map(String.init) + [stderr]).joined(separator: "\n")
    }
}
