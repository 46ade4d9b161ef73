import FMCore
import FMTesting
import Foundation
import Testing

/// The fm-mint command contract that needs no running federation: JSON errors on stdout, exit codes
/// 2 (bad input) and 3 (unreachable), help with examples.
@Suite struct FMMintToolTests {
    func run(_ arguments: [String], dataDir: URL) throws -> ToolRunner.Result {
        try ToolRunner.run("fm-mint", arguments + ["--data-dir", dataDir.path])
    }

    @Test func helpShowsExamples() throws {
        for subcommand in ["join", "info", "balance", "spend", "reissue", "validate", "await", "list", "backup", "dev-issue"] {
            let result = try ToolRunner.run("fm-mint", [subcommand, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"), "\(subcommand) --help has no examples")
        }
    }

    @Test func commandsBeforeJoinSayWhatToDo() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try run(["info"], dataDir: dir)
        #expect(result.status == 2)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "not_joined")
        #expect(result.stderr.contains("fm-mint join"))

        let backup = try run(["backup"], dataDir: dir)
        #expect(backup.status == 2)
        #expect((try backup.json()["error"] as? [String: Any])?["code"] as? String == "no_mnemonic")
    }

    @Test func badInviteIsBadInput() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try run(["join", "fed1notaninvite"], dataDir: dir)
        #expect(result.status == 2)
        #expect((try result.json()["error"] as? [String: Any])?["code"] as? String == "bad_invite_code")
    }

    @Test func unreachableFederationExitsThreeAndWritesNothing() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Port 1 on loopback refuses connections.
        let invite = InviteCode(federationId: FederationJoinTests.federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:1/")
        let result = try run(["join", invite.description], dataDir: dir)
        #expect(result.status == 3)
        #expect((try result.json()["error"] as? [String: Any])?["category"] as? String == "unreachable")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("mnemonic").path))
    }

    @Test func malformedOperationIdIsBadInput() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try run(["await", "xyz"], dataDir: dir)
        #expect(result.status == 2)
    }
}
