import FMTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `version` on the guardians and the client's choice, as processes: guardians announcing another ln API version
/// (the test override of dev federations) and clients speaking another (the override of debug builds).
@Suite struct APIVersionToolTests {
    @Test("a client that knows no API version its guardians serve exits with one line naming the side to upgrade")
    func noCommonVersionIsOneClearLine() throws {
        let federation = try EcashFederation(basePort: 18180, everyGuardian: ["FM_TEST_API_VERSIONS": "ln=2.0"])
        defer { federation.stop() }
        var request = URLRequest(url: federation.rpcURL(1))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"jsonrpc":"2.0","id":1,"method":"version"}"#.utf8)
        let answer = try GuardianBackupTests.post(request)
        #expect(answer.contains(#""ln":["2.0"]"#) && answer.contains(#""core":["1.0","1.1"]"#), "\(answer)")

        let old = try federation.mint("old", ["join", federation.invite])
        #expect(old.status == 1, "\(old.stdout) \(old.stderr)")
        #expect(old.stderr == "fm-mint: error: guardians serve ln API 2.x, this client speaks 1.x: upgrade the client\n")
        #expect(!FileManager.default.fileExists(atPath: federation.directory.appendingPathComponent("old/federations").path))

        let newer = try federation.client(
            "fm-mint", "newer", ["join", federation.invite], environment: ["FM_TEST_CLIENT_API_VERSIONS": "ln=3.0"])
        #expect(newer.status == 1)
        #expect(newer.stderr == "fm-mint: error: this client speaks ln API 3.x, the guardians serve 2.x: upgrade the guardians\n")

        let matching = try federation.client(
            "fm-mint", "matching", ["join", federation.invite], environment: ["FM_TEST_CLIENT_API_VERSIONS": "ln=1.0;2.0"])
        #expect(matching.status == 0, "\(matching.stderr)")
    }
}
