import Foundation
import Testing

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

    /// What a test needing an oracle does: run it, skip (recorded, with the reason) or fail.
    public enum Verdict: Equatable, Sendable {
        case run
        case skip(String)
        case fail(String)
    }

    /// `.run` when every module imports; otherwise a skip naming the missing ones, or a failure when oracles are
    /// required (`FM_REQUIRE_ORACLES=1`), so a run can never pass silently without its independent check.
    public static func verdict(for modules: [String], required: Bool, has: (String) -> Bool = has) -> Verdict {
        let missing = modules.filter { !has($0) }
        guard !missing.isEmpty else { return .run }
        let names = missing.joined(separator: ", ")
        return required
            ? .fail("oracle module \(names) is not installed for \(python.path), and FM_REQUIRE_ORACLES=1")
            : .skip("oracle module \(names) is not installed (bin/test installs it into .venv); skipped")
    }

    /// For a check in the middle of a test: returns when the oracle can run; otherwise ends the test as skipped
    /// (`Test.cancel`, shown as skipped with the reason) or, when oracles are required, records a failure and throws.
    /// Never a silent `return`.
    public static func requireOrSkip(_ modules: String..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        switch verdict(for: modules, required: required) {
        case .run: return
        case .skip(let reason): try Test.cancel(Comment(rawValue: reason), sourceLocation: sourceLocation)
        case .fail(let reason):
            Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
            throw OracleFailed(message: reason)
        }
    }

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
