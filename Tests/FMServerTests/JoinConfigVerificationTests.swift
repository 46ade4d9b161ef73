import FMClient
import FMClientCore
import FMCore
import FMMintCommon
import FMServer
import Foundation
import Testing

/// A joining client recomputes the federation id with the module codecs it ships (``ClientModules/configCodecs``),
/// so it must agree with the guardians' computation, and a substituted config is refused before anything is written.
@Suite("Join-time consensus config verification")
struct JoinConfigVerificationTests {
    static let dealt = try! TestingDealer.generateForTesting(
        guardians: 4, basePort: 30_000, devMode: true, mintParameters: .object(["max_exponent": .unsigned(4)]))
    static var consensus: ConsensusConfig { dealt[0].consensus }
    static var federationID: FederationID { try! consensus.federationID(modules: .standard) }
    static var invite: InviteCode {
        InviteCode(federationId: federationID, peer: PeerID(1), apiUrl: consensus.peers[1].apiUrl)
    }

    /// The consensus config with the aggregate public key of denomination 2^0 replaced by that of 2^1.
    static func withOneMintKeyReplaced() throws -> ConsensusConfig {
        var tampered = consensus
        let index = try #require(tampered.modules.firstIndex { $0.kind == MintKind.kind })
        let mint = try tampered.modules[index].config.decode(MintConsensusConfig.self)
        var denominations = mint.denominations
        denominations[0] = MintDenominationKeys(
            denomination: denominations[0].denomination, aggregatePublicKey: try denominations[1].aggregatePublicKey,
            publicKeyShares: try denominations[0].publicKeyShares)
        tampered.modules[index].config = try JSONValue(try MintConsensusConfig(
            threshold: mint.threshold, denominations: denominations, fees: mint.fees, devMode: mint.devMode))
        return tampered
    }

    @Test("the client's federation id and client config equal the guardians' for a dealt mint + wallet config")
    func clientComputesTheGuardiansID() throws {
        #expect(Set(Self.consensus.modules.map(\.kind)) == ["mint", "wallet", "ln"])
        #expect(try Self.consensus.canonicalBytes(codecs: ClientModules.configCodecs)
            == Self.consensus.canonicalBytes(modules: .standard))
        #expect(try Self.consensus.federationID(codecs: ClientModules.configCodecs) == Self.federationID)
        #expect(try Self.consensus.clientConfig(codecs: ClientModules.configCodecs)
            == Self.consensus.clientConfig(modules: .standard))
        #expect(try Self.withOneMintKeyReplaced().federationID(codecs: ClientModules.configCodecs) != Self.federationID)
    }

    @Test("a join served the genuine config by every guardian derives the guardians' client config")
    func joinsTheGenuineConfig() async throws {
        let guardians = ServingGuardians(configs: Dictionary(uniqueKeysWithValues: Self.consensus.peers.map { ($0.peerId, Self.consensus) }))
        let config = try await FederationJoin { _ in guardians }.fetchConfig(invite: Self.invite)
        #expect(config == (try Self.consensus.clientConfig(modules: .standard)))
    }

    @Test("a config with one mint key replaced is refused at join, naming both ids, and nothing is written")
    func refusesATamperedConfig() async throws {
        let tampered = try Self.withOneMintKeyReplaced()
        let forgedID = try tampered.federationID(codecs: ClientModules.configCodecs)
        // A network attacker answering for every guardian.
        let attacker = ServingGuardians(configs: Dictionary(uniqueKeysWithValues: tampered.peers.map { ($0.peerId, tampered) }))
        let directory = ClientDirectory(path: NSTemporaryDirectory() + "fm-join-tampered-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        await #expect(throws: JoinError.wrongFederation(expected: Self.federationID, served: forgedID)) {
            _ = try await FederationClient.join(
                invite: Self.invite, directory: directory, modules: ClientModules.all, join: FederationJoin { _ in attacker })
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(directory.joinedFederations().isEmpty)
    }
}

/// Guardians (or an attacker in their place) answering `consensus_config` from memory.
private struct ServingGuardians: GuardianTransport {
    let configs: [PeerID: ConsensusConfig]

    struct NotServed: Error {}

    func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        guard method == CoreAPI.consensusConfig, let config = configs[peer] else { throw NotServed() }
        return try JSONValue(config)
    }
}
