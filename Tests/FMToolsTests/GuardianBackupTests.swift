import FMCore
import FMSetup
import FMTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `fm-node backup` / `fm-node restore` as processes on a 4-guardian federation whose private configs are sealed.
@Suite(.serialized) struct GuardianBackupTests {
    static let passphrase = "backup-test-passphrase"

    /// A sealed federation (the dealer seals every private.json; the guardians get the passphrase from the environment).
    static func federation(basePort: Int, scratch: URL) throws -> EcashFederation {
        let passphraseFile = scratch.appendingPathComponent("passphrase.txt")
        try Data("\(passphrase)\n".utf8).write(to: passphraseFile)
        return try EcashFederation(
            basePort: basePort, everyGuardian: ["FM_PASSPHRASE": passphrase],
            dealerArguments: ["--passphrase-file", passphraseFile.path])
    }

    static func configDir(_ federation: EcashFederation, _ peer: Int) -> String {
        federation.directory.appendingPathComponent("fed/guardian-\(peer)").path
    }

    /// One round of traffic: issue, spend to bob, bob reissues.
    static func traffic(_ federation: EcashFederation, round: Int) throws {
        #expect(try federation.mint("alice", ["dev-issue", "\(4_096 + round)"]).status == 0)
        let notes = try federation.spend("alice", 1_024)
        let received = try federation.mint("bob", ["reissue", notes])
        #expect(received.status == 0, "\(received.stderr)")
    }

    static func height(_ federation: EcashFederation, _ peer: Int) throws -> Int {
        try #require(try federation.status(peer)["block_height"] as? Int)
    }

    @Test("back up guardian 3 while it runs, run 50+ more blocks, destroy its directory, restore: it catches up and agrees")
    func backupDestroyRestoreCatchUp() throws {
        let scratch = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let federation = try Self.federation(basePort: 18160, scratch: scratch)
        defer { federation.stop() }
        try federation.join("alice", "bob")
        for round in 0..<3 { try Self.traffic(federation, round: round) }

        let file = scratch.appendingPathComponent("g3.fmbackup").path
        let backup = try ToolRunner.run("fm-node", ["backup", "--config-dir", Self.configDir(federation, 3), "--out", file])
        try #require(backup.status == 0, "\(backup.stderr)")
        let summary = try backup.json()
        let backupHeight = try #require(summary["block_height"] as? Int)
        #expect(backupHeight > 0)
        #expect(summary["guardian_id"] as? Int == 3)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Nothing secret in the clear: no private key of guardian 3, as hex or as bytes.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        for secret in try Self.secrets(ofGuardianAt: Self.configDir(federation, 3)) {
            #expect(bytes.range(of: Data(secret.utf8)) == nil && bytes.range(of: Data(secret.uppercased().utf8)) == nil)
            if let raw = Hex.decode(secret) { #expect(bytes.range(of: Data(raw)) == nil) }
        }
        // The staged copy at the guardian is gone once read.
        let staged = (try? FileManager.default.contentsOfDirectory(atPath: Self.configDir(federation, 3) + "/guardian-backup.staging")) ?? []
        #expect(staged.isEmpty, "\(staged)")

        // At least 50 more blocks, with traffic.
        var round = 3
        let deadline = Date().addingTimeInterval(300)
        while try Self.height(federation, 0) < backupHeight + 50 {
            try #require(Date() < deadline, "the federation did not reach block \(backupHeight + 50)")
            try Self.traffic(federation, round: round)
            round += 1
        }

        // Guardian 3's machine is lost: process and whole directory.
        federation.kill(3, signal: SIGKILL)
        try FileManager.default.removeItem(atPath: Self.configDir(federation, 3))
        let restored = try ToolRunner.run("fm-node", ["restore", file, "--config-dir", Self.configDir(federation, 3)])
        try #require(restored.status == 0, "\(restored.stderr)")
        #expect(try restored.json()["block_height"] as? Int == backupHeight)
        // A second restore into the now non-empty directory is refused, and changes nothing.
        let again = try ToolRunner.run("fm-node", ["restore", file, "--config-dir", Self.configDir(federation, 3)])
        #expect(again.status == 2 && again.stderr.contains("--config-dir"), "\(again.stderr)")

        try federation.start(3)
        try federation.waitUntilServing(3)
        try Self.traffic(federation, round: round)
        let target = try Self.height(federation, 0)
        #expect(target >= backupHeight + 50)
        try ProcessFaultTests.expectNothingLostAndOneState(
            federation, wallets: ["alice", "bob"], reaching: target, context: "restored guardian 3 from block \(backupHeight)")
        let audits = try (0..<4).map { peer in
            let audit = try federation.audit(peer)
            return "\(audit["assets"] ?? "")/\(audit["liabilities"] ?? "")"
        }
        #expect(Set(audits).count == 1, "\(audits)")
    }

    @Test("backup with no credential, a wrong token or a wrong password is refused (unauthorized) and writes no file")
    func backupNeedsTheOperatorCredential() throws {
        let scratch = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let federation = try Self.federation(basePort: 18170, scratch: scratch)
        defer { federation.stop() }
        let wrongToken = scratch.appendingPathComponent("wrong.token")
        try Data(String(repeating: "ab", count: 32).utf8).write(to: wrongToken)
        let wrongPassword = scratch.appendingPathComponent("wrong-password.txt")
        try Data("not-the-operator-password\n".utf8).write(to: wrongPassword)
        let out = scratch.appendingPathComponent("refused.fmbackup").path
        for credential in [["--token-file", wrongToken.path], ["--password-file", wrongPassword.path]] {
            let refused = try ToolRunner.run(
                "fm-node", ["backup", "--api", federation.apiURL(2), "--out", out] + credential)
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("unauthorized"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("abab") && !refused.stderr.contains("not-the-operator"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // A raw request without params.auth: unauthorized, and the guardian staged nothing.
        var request = URLRequest(url: federation.rpcURL(2))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"jsonrpc":"2.0","id":1,"method":"guardian_backup_create"}"#.utf8)
        let answer = try Self.post(request)
        #expect(answer.contains(#""code":"unauthorized""#), "\(answer)")
        #expect(!FileManager.default.fileExists(atPath: Self.configDir(federation, 2) + "/guardian-backup.staging"))
        // The token file fm-node run wrote is the operator's only (0600), and it works.
        let token = Self.configDir(federation, 2) + "/admin.token"
        #expect((try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let allowed = try ToolRunner.run("fm-node", ["backup", "--api", federation.apiURL(2), "--token-file", token, "--out", out])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        // A guardian's log never shows a credential.
        let secret = try String(contentsOfFile: token, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!federation.log(2).contains(secret) && !federation.log(2).contains("not-the-operator"))
    }

    /// Every long hex string in guardian's private config (keys, key shares), opened with the passphrase.
    static func secrets(ofGuardianAt directory: String) throws -> [String] {
        let sealed = try Data(contentsOf: URL(fileURLWithPath: directory + "/private.json"))
        let box = try JSONConventions.decoder().decode(PassphraseSealedBox.self, from: sealed)
        let plain = try box.open(passphrase: Array(passphrase.utf8))
        let json = try JSONConventions.decoder().decode(JSONValue.self, from: Data(plain))
        var found: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .string(let text) where text.count >= 32 && Hex.decode(text) != nil: found.append(text.lowercased())
            case .array(let items): items.forEach(walk)
            case .object(let fields): fields.values.forEach(walk)
            default: break
            }
        }
        walk(json)
        #expect(found.count >= 2, "the consensus and TLS keys at least")
        return found
    }

    static func post(_ request: URLRequest) throws -> String {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body = ""
        URLSession.shared.dataTask(with: request) { data, _, _ in
            body = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            done.signal()
        }.resume()
        done.wait()
        return body
    }
}
