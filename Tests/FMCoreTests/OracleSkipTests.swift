import FMTesting
import Foundation
import Testing

@Suite("A missing oracle is a recorded skip, or a failure under FM_REQUIRE_ORACLES=1 — never a silent return (issue 16)")
struct OracleSkipTests {
    @Test("the verdict: run when present; skip naming the module when absent; fail when absent and required")
    func verdict() {
        let present: (String) -> Bool = { $0 == "json" }
        #expect(PythonOracle.verdict(for: ["json"], required: false, has: present) == .run)
        #expect(PythonOracle.verdict(for: ["json"], required: true, has: present) == .run)
        guard case .skip(let reason) = PythonOracle.verdict(for: ["json", "pbk"], required: false, has: present) else {
            Issue.record("a missing oracle must be skipped when not required")
            return
        }
        #expect(reason.contains("pbk") && !reason.contains("json"))
        guard case .fail(let failure) = PythonOracle.verdict(for: ["pbk"], required: true, has: present) else {
            Issue.record("a missing oracle must fail when required")
            return
        }
        #expect(failure.contains("pbk") && failure.contains("FM_REQUIRE_ORACLES=1"))
    }

    @Test("no test returns silently when an oracle is missing: every such check goes through PythonOracle.requireOrSkip or an .enabled(if:) trait")
    func noSilentOracleReturns() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let files = try #require(FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil))
        var offenders: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where line.contains("else { return }") {
                let text = String(line)
                if text.contains("Oracle") || text.contains("FM_REQUIRE_ORACLES") || text.contains("hasOracle") {
                    offenders.append("\(file.lastPathComponent):\(index + 1): \(text.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(offenders.isEmpty, "silent returns when an oracle is missing:\n\(offenders.joined(separator: "\n"))")
    }
}
