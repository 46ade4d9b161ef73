import Foundation

/// The Python interpreter that runs the independent oracles (bin/lib.sh installs them into `.venv`).
///
/// Python is `$FM_PYTHON`, else the repository's `.venv/bin/python3`, else `python3` on the PATH. A test whose
/// module is missing is skipped, unless `FM_REQUIRE_ORACLES=1` (CI), where it runs and fails.
public enum PythonOracle {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static let python: URL = {
        if let configured = ProcessInfo.processInfo.environment["FM_PYTHON"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python3")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
        return URL(fileURLWithPath: "/usr/bin/python3")
    }()

    public static var required: Bool { ProcessInfo.processInfo.environment["FM_REQUIRE_ORACLES"] == "1" }

    public static func has(_ module: String) -> Bool {
        (try? ToolRunner.run(executable: python, ["-c", "import \(module)"]))?.status == 0
    }

    /// Whether tests needing `modules` should run: all present, or oracles required.
    public static func enabled(_ modules: String...) -> Bool { required || modules.allSatisfy(has) }

    /// Runs `script` with `stdin`; throws with the script's stderr when it fails.
    public static func run(script: URL, stdin: String) throws -> String {
        let result = try ToolRunner.run(executable: python, [script.path], stdin: stdin)
        guard result.status == 0 else { throw OracleFailed(message: "\(script.lastPathComponent): \(result.stderr)") }
        return result.stdout
    }

    public struct OracleFailed: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
