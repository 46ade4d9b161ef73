import Foundation
import Testing

/// The Python oracles in `oracle/` (py-bitcoinkernel = Bitcoin Core's consensus code, embit).
///
/// Python is `$FM_PYTHON`, else the repository's `.venv/bin/python3`, else `python3`. When a
/// module is missing the oracle tests are disabled — unless `FM_REQUIRE_ORACLES=1` (CI), where
/// they run and fail, so a CI run can never pass without the independent check.
enum Oracle {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("oracle")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let python: String = {
        if let configured = ProcessInfo.processInfo.environment["FM_PYTHON"], !configured.isEmpty { return configured }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/env"
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["FM_REQUIRE_ORACLES"] == "1" }

    static func has(_ module: String) -> Bool { (try? run(["-c", "import \(module)"]))?.status == 0 }

    /// Whether tests needing `modules` should run: all present, or oracles required.
    static func enabled(_ modules: String...) -> Bool { required || modules.allSatisfy(has) }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs python with `arguments`.
    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = (python == "/usr/bin/env" ? ["python3"] : []) + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Fails the test (with the install line) when a required module is missing.
    static func require(_ modules: String..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        for module in modules where !has(module) {
            Issue.record(
                "python module \(module) missing for \(python); install with: pip install py-bitcoinkernel==0.1.0a5 embit==0.8.0",
                sourceLocation: sourceLocation)
            throw OracleMissing()
        }
    }

    struct OracleMissing: Error {}
}
