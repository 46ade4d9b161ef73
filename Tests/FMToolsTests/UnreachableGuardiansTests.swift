import FMTesting
import Foundation
import Testing

/// What a user sees when guardians are down: one line naming each unreachable guardian, its address and
/// why, in words; the transport's raw error only in the JSON `detail` and under `--verbose`.
@Suite("fm-mint with guardians stopped", .serialized)
struct UnreachableGuardiansTests {
    @Test("two of four guardians stopped: exit 3, one line naming them; raw detail only on request")
    func twoOfFourStopped() throws {
        let federation = try EcashFederation(basePort: 18170)
        defer { federation.stop() }
        try federation.join("alice")
        federation.kill(2, signal: SIGTERM)
        federation.kill(3, signal: SIGTERM)
        let endpoint = { (peer: Int) in "127.0.0.1:\(federation.basePort + 2 * peer + 1)" }
        let expected = "2 of 4 guardians unreachable, 3 needed: guardian 2 (\(endpoint(2))) connection refused, "
            + "guardian 3 (\(endpoint(3))) connection refused"

        let result = try federation.mint("alice", ["dev-issue", "1000"])
        #expect(result.status == 3, "\(result.stderr)")
        // (dev-issue also warns that it makes test e-cash; that line is not about the failure.)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("fm-mint: warning: dev-issue") }
        #expect(lines == ["fm-mint: error: \(expected)"], "\(result.stderr)")
        #expect(!result.stderr.contains("NIO") && !result.stderr.contains("errno"))
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "no_quorum")
        #expect(error["message"] as? String == expected)
        let detail = try #require(error["detail"] as? String)
        #expect(detail.contains("guardian 2: ") && detail.contains("guardian 3: "), "\(detail)")

        let verbose = try federation.mint("alice", ["dev-issue", "1000", "--verbose"])
        #expect(verbose.status == 3)
        let verboseLines = verbose.stderr.split(separator: "\n")
        #expect(verboseLines.contains("fm-mint: error: \(expected)"[...]), "\(verbose.stderr)")
        #expect(verboseLines.contains { $0.hasPrefix("fm-mint: detail: ") && $0.contains("guardian 2: ") })
    }
}
