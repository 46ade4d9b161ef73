import FMBLS12381
import FMCore
import FMCrypto
import FMMintClient
import FMMintCommon
import FMSecp256k1
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

    /// One 1,024 msat note listed four times: `validate` used to report `note_count` 4 and 4,096 msat, and
    /// `reissue` to try it and fail as "already spent". Both refuse the string at parsing now, naming it.
    @Test func noteStringRepeatingANoteIsBadInput() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keypair = Keypair(secretKey: try SecretKey(rawRepresentation: [UInt8](repeating: 7, count: 32)))
        let note = Note(
            denomination: Denomination(exponent: 10), nonce: keypair.xOnlyPublicKey, signature: Signature(G1Point.generator))
        let spendable = SpendableNote(note: note, spendKey: keypair)
        let repeated = NoteString(
            federationId: FederationJoinTests.federationId, notes: Array(repeating: spendable, count: 4)
        ).description
        for command in ["validate", "reissue"] {
            let result = try run([command, repeated], dataDir: dir)
            #expect(result.status == 2, "\(command): \(result.stdout)")
            let error = try #require(try result.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "malformed_note_string")
            #expect(error["field"] as? String == "notes")
            #expect(result.stderr.contains("note 1 repeats note 0"), "\(command): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
        }
    }

    @Test func malformedOperationIdIsBadInput() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try run(["await", "xyz"], dataDir: dir)
        #expect(result.status == 2)
    }
}
