import FMTesting
import Foundation
import Testing

/// fm-keygen's contract as a shell user and a script see it.
@Suite struct KeygenToolTests {
    let env = ["FM_PASSPHRASE": "correct-horse-battery"]

    @Test func helpShowsExamples() throws {
        let result = try ToolRunner.run("fm-keygen", ["generate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("fm-keygen --dir"))
    }

    @Test func generatesASetupCodeAndASealedIdentity() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("g0").path
        let result = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1, "exactly one JSON object on stdout")
        let code = try result.json()
        #expect(code["name"] as? String == "alice")
        #expect(code["version"] as? Int == 1)
        #expect((code["consensus_public_key"] as? String)?.count == 64)
        #expect(code["p2p_url"] as? String == "fm://127.0.0.1:8173")
        #expect((code["tls_certificate"] as? String)?.isEmpty == false)

        let sealed = (dir as NSString).appendingPathComponent("identity.sealed.json")
        let mode = try FileManager.default.attributesOfItem(atPath: sealed)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let contents = try String(contentsOfFile: sealed, encoding: .utf8)
        #expect(!contents.contains("consensus_secret_key"), "secrets must not be stored in clear")

        let shown = try ToolRunner.run("fm-keygen", ["show", "--dir", dir], environment: env)
        #expect(shown.status == 0)
        #expect(try shown.json()["consensus_public_key"] as? String == code["consensus_public_key"] as? String)
    }

    @Test func wrongPassphraseIsAOneLineBadInputError() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("g0").path
        #expect(try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"], environment: env).status == 0)
        let result = try ToolRunner.run(
            "fm-keygen", ["show", "--dir", dir], environment: ["FM_PASSPHRASE": "not-the-passphrase"])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("passphrase"))
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "bad_passphrase")
        #expect(error["category"] as? String == "bad_input")
    }

    @Test(arguments: [
        (["--dir", "DIR", "--name", "alice", "--bogus"], "--bogus"),
        (["--name", "alice"], "--dir"),
        (["--dir", "DIR", "--name", "al ice"], "name"),
        (["--dir", "DIR", "--name", "alice", "--p2p-url", "http://x"], "--p2p-url"),
        (["--dir", "DIR", "--name", "alice", "--api-url", "ws://nohost"], "--api-url"),
    ])
    func badInputExits2AndWritesNothing(arguments: [String], field: String) throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("g0").path
        let args = arguments.map { $0 == "DIR" ? dir : $0 }
        let result = try ToolRunner.run("fm-keygen", args, environment: env)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one-line error: \(result.stderr)")
        #expect(result.stderr.contains(field))
        #expect(try result.json()["error"] != nil)
        #expect(!FileManager.default.fileExists(atPath: dir), "no file may be left behind")
    }

    @Test func missingOrShortPassphraseExits2AndWritesNothing() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("g0").path
        let none = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"])
        #expect(none.status == 2)
        let short = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"], environment: ["FM_PASSPHRASE": "short"])
        #expect(short.status == 2)
        #expect(short.stderr.contains("at least 8"))
        let missingFile = try ToolRunner.run(
            "fm-keygen", ["--dir", dir, "--name", "alice", "--passphrase-file", tmp.appendingPathComponent("nope").path])
        #expect(missingFile.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func refusesToOverwriteUnlessForced() throws {
        let tmp = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("g0").path
        let first = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"], environment: env)
        let again = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice"], environment: env)
        #expect(again.status == 2)
        #expect(try (again.json()["error"] as? [String: Any])?["code"] as? String == "identity_exists")
        let kept = try ToolRunner.run("fm-keygen", ["show", "--dir", dir], environment: env)
        #expect(try kept.json()["consensus_public_key"] as? String == first.json()["consensus_public_key"] as? String)
        let forced = try ToolRunner.run("fm-keygen", ["--dir", dir, "--name", "alice", "--force"], environment: env)
        #expect(forced.status == 0)
        #expect(try forced.json()["consensus_public_key"] as? String != first.json()["consensus_public_key"] as? String)
    }
}
