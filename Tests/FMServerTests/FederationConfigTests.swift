import FMCore
import FMServer
import Foundation
import Testing

@Suite("Federation configs")
struct FederationConfigTests {
    static let mintParameters: JSONValue = .object(["max_exponent": .unsigned(4)])

    @Test("the dealer gives every guardian the same consensus config, t = n - f, and its own secrets")
    func dealer() throws {
        let configs = try TestingDealer.generateForTesting(
            guardians: 4, basePort: 30_000, devMode: true, mintParameters: Self.mintParameters)
        #expect(configs.count == 4)
        #expect(Set(configs.map(\.consensus)).count == 1)
        #expect(configs[0].consensus.threshold == 3)
        #expect(configs.map(\.local.peerId) == (0..<4).map { PeerID(UInt16($0)) })
        #expect(configs.map(\.local.p2pBindPort) == [30_000, 30_002, 30_004, 30_006])
        #expect(Set(configs.map(\.private.consensusSecretKey)).count == 4)
        #expect(configs[0].consensus.devMode)
        #expect(try TestingDealer.generateForTesting(guardians: 1, basePort: 30_000, devMode: false,
                                                     mintParameters: Self.mintParameters)[0].consensus.threshold == 1)
    }

    @Test("the federation id is the hash of the canonical consensus config: stable, and changed by any field")
    func federationID() throws {
        let consensus = try TestingDealer.generateForTesting(
            guardians: 4, basePort: 30_000, devMode: true, mintParameters: Self.mintParameters)[0].consensus
        let id = try consensus.federationID(modules: .standard)
        #expect(id.hash == Hash256.sha256(try consensus.canonicalBytes(modules: .standard)))
        // JSON round trip keeps the id.
        let decoded = try JSONConventions.decoder().decode(
            ConsensusConfig.self, from: JSONConventions.encoder().encode(consensus))
        #expect(try decoded.federationID(modules: .standard) == id)
        var changed = consensus
        changed.threshold = 2
        #expect(try changed.federationID(modules: .standard) != id)
        changed = consensus
        changed.devMode = false
        #expect(try changed.federationID(modules: .standard) != id)
        changed = consensus
        changed.peers[1].apiUrl = "ws://127.0.0.1:1/"
        #expect(try changed.federationID(modules: .standard) != id)
        // The client config carries the id and every peer's API URL.
        let client = try consensus.clientConfig(modules: .standard)
        #expect(client.federationId == id)
        #expect(client.peers.map(\.apiUrl) == consensus.peers.map(\.apiUrl))
        #expect(client.modules.map(\.kind) == ["mint", "wallet", "ln"])
    }

    @Test("an unknown module kind or a bad threshold is refused")
    func validation() throws {
        var consensus = try TestingDealer.generateForTesting(
            guardians: 1, basePort: 30_000, devMode: true, mintParameters: Self.mintParameters)[0].consensus
        consensus.threshold = 2
        #expect(throws: ConfigError.self) { try consensus.validate(modules: .standard) }
        consensus.threshold = 1
        consensus.modules[0].kind = "nonexistent"
        #expect(throws: ConfigError.unknownModuleKind("nonexistent")) { try consensus.validate(modules: .standard) }
    }

    @Test("configs round-trip through a config directory; private.json is written with mode 0600")
    func directory() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fm-config-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configs = try TestingDealer.generateForTesting(
            guardians: 1, basePort: 30_000, devMode: true, mintParameters: Self.mintParameters)[0]
        let directory = GuardianConfigDirectory(path: path)
        try directory.save(configs, modules: .standard)
        #expect(try directory.load() == configs)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file(GuardianConfigDirectory.privateFile))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let client = try JSONConventions.decoder().decode(
            ClientConfig.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file(GuardianConfigDirectory.clientFile))))
        #expect(client == (try configs.consensus.clientConfig(modules: .standard)))
    }
}
