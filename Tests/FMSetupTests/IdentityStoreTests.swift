import FMCore
import FMSetup
import Foundation
import Testing

@Suite struct IdentityStoreTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fm-identity-\(UUID().uuidString)").path
    }

    @Test func saveLoadRoundTripAndFileModes() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let identity = try GuardianIdentity.generate(name: "alice", p2pUrl: "fm://127.0.0.1:9000", apiUrl: "ws://127.0.0.1:9001")
        let store = IdentityStore(directory: dir)
        try store.save(identity, passphrase: Array("passphrase".utf8), overwrite: false)

        let loaded = try store.load(passphrase: Array("passphrase".utf8))
        #expect(loaded.setupCode == identity.setupCode)
        #expect(loaded.consensusKey == identity.consensusKey)
        #expect(loaded.tls.privateKeyRawRepresentation == identity.tls.privateKeyRawRepresentation)

        let attributes = try FileManager.default.attributesOfItem(atPath: store.sealedPath)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: dir)
        #expect(dirAttributes[.posixPermissions] as? Int == 0o700)
        let publicCode = try JSONConventions.decoder().decode(
            SetupCode.self, from: Data(contentsOf: URL(fileURLWithPath: store.setupCodePath)))
        #expect(publicCode == identity.setupCode)
    }

    @Test func refusesOverwriteAndReportsMissing() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = IdentityStore(directory: dir)
        #expect(throws: IdentityError.missing(directory: dir)) { try store.load(passphrase: Array("passphrase".utf8)) }
        let identity = try GuardianIdentity.generate(name: "bob", p2pUrl: "fm://localhost:1", apiUrl: "wss://localhost:2")
        try store.save(identity, passphrase: Array("passphrase".utf8), overwrite: false)
        #expect(throws: IdentityError.alreadyExists(directory: dir)) {
            try store.save(identity, passphrase: Array("passphrase".utf8), overwrite: false)
        }
    }

    @Test func setupCodeValidationNamesTheField() throws {
        let identity = try GuardianIdentity.generate(name: "carol", p2pUrl: "fm://h:1", apiUrl: "ws://h:2")
        var code = identity.setupCode
        _ = try code.validated()
        code.consensusPublicKey = "00" + code.consensusPublicKey.dropFirst(2)
        code.tlsCertificate = "abcd"
        #expect(throws: InvalidInput.self) { try code.validated() }
        do {
            _ = try code.validated()
        } catch {
            #expect(error.field == "tls_certificate")
        }
        var badURL = identity.setupCode
        badURL.p2pUrl = "fm://h"
        #expect { try badURL.validated() } throws: { ($0 as? InvalidInput)?.field == "p2p_url" }
    }
}
