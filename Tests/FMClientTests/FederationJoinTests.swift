import FMClient
import FMClientCore
import FMCore
import Foundation
import GRDB
import Testing

@Suite struct FederationJoinTests {
    /// A federation without modules (their codecs are tested in FMServerTests); the certificate and consensus key
    /// only need to be hex for the federation id.
    static func consensus(n: Int = 4, devMode: Bool = true) -> ConsensusConfig {
        ConsensusConfig(
            peers: peers(n).map {
                ConsensusConfig.Peer(
                    peerId: $0, name: "g\($0.rawValue)", p2pUrl: "fm://127.0.0.1:\(8000 + Int($0.rawValue))",
                    apiUrl: "ws://127.0.0.1:\(9000 + Int($0.rawValue))/", tlsCertificate: "30\($0.rawValue)0",
                    consensusPublicKey: "0\($0.rawValue)")
            },
            threshold: FederationSize(n).threshold, modules: [], devMode: devMode)
    }

    static func config(n: Int = 4, devMode: Bool = true) -> ClientConfig {
        try! consensus(n: n, devMode: devMode).clientConfig(codecs: ClientModules.configCodecs)
    }

    static let federationId = config().federationId

    static let invite = InviteCode(federationId: federationId, peer: PeerID(1), apiUrl: "ws://127.0.0.1:9001/")

    /// Guardians keyed by peer; the join connects to URLs, which the fake maps back to peers by port.
    func join(_ fake: FakeFederation) -> FederationJoin {
        FederationJoin { _ in fake }
    }

    @Test func joinsWhenThresholdGuardiansServeTheSameConfig() async throws {
        let good = FakeFederation.answering(Self.consensus())
        let fake = FakeFederation([PeerID(0): good, PeerID(1): good, PeerID(2): FakeFederation.down, PeerID(3): good])
        let config = try await join(fake).fetchConfig(invite: Self.invite)
        #expect(config == Self.config())
    }

    @Test func refusesAConfigOfAnotherFederation() async throws {
        let other = Self.config(devMode: false).federationId
        let fake = FakeFederation([PeerID(1): FakeFederation.answering(Self.consensus(devMode: false))])
        await #expect(throws: JoinError.wrongFederation(expected: Self.federationId, served: other)) {
            try await join(fake).fetchConfig(invite: Self.invite)
        }
    }

    @Test func refusesAConfigWithAModuleItCannotEncode() async throws {
        var consensus = Self.consensus()
        consensus.modules = [ConsensusConfig.Module(instance: ModuleInstanceID(0), kind: "lottery", config: .object([:]))]
        let fake = FakeFederation([PeerID(1): FakeFederation.answering(consensus)])
        await #expect(throws: JoinError.malformedConfig(ConsensusConfigError.unknownModuleKind("lottery").description)) {
            try await join(fake).fetchConfig(invite: Self.invite)
        }
    }

    @Test func namesTheGuardianServingADifferentConfig() async throws {
        let good = FakeFederation.answering(Self.consensus())
        let forged = FakeFederation.answering(Self.consensus(devMode: false))
        let fake = FakeFederation([PeerID(0): good, PeerID(1): good, PeerID(2): forged, PeerID(3): forged])
        do {
            _ = try await join(fake).fetchConfig(invite: Self.invite)
            Issue.record("expected the join to fail")
        } catch let error as FederationQueryError {
            guard case .noAgreement(_, _, let faulty) = error else { Issue.record("\(error)"); return }
            #expect(!faulty.isEmpty)
            #expect(error.category == .failed)
        }
    }

    @Test func inviteGuardianLyingAloneIsCaught() async throws {
        let good = FakeFederation.answering(Self.consensus())
        let fake = FakeFederation([
            PeerID(0): good, PeerID(1): FakeFederation.answering(Self.consensus(devMode: false)), PeerID(2): good,
            PeerID(3): good,
        ])
        await #expect(throws: JoinError.wrongFederation(expected: Self.federationId, served: Self.config(devMode: false).federationId)) {
            try await join(fake).fetchConfig(invite: Self.invite)
        }
    }

    @Test func unreachableFederationExitsWithCategoryUnreachable() async throws {
        let good = FakeFederation.answering(Self.consensus())
        let fake = FakeFederation([PeerID(1): good, PeerID(0): FakeFederation.down, PeerID(2): FakeFederation.down])
        do {
            _ = try await join(fake).fetchConfig(invite: Self.invite)
            Issue.record("expected no quorum")
        } catch let error as FederationQueryError {
            #expect(error.category == .unreachable)
        }
    }

    @Test func joinCreatesDatabaseAndPrivateMnemonic() async throws {
        let directory = ClientDirectory(path: NSTemporaryDirectory() + "fm-join-\(UUID().uuidString)")
        let good = FakeFederation.answering(Self.consensus())
        let fake = FakeFederation([PeerID(0): good, PeerID(1): good, PeerID(2): good, PeerID(3): good])
        let client = try await FederationClient.join(invite: Self.invite, directory: directory, modules: [], join: join(fake))
        #expect(client.config == Self.config())
        #expect(directory.joinedFederations() == [Self.federationId])
        #expect(try directory.selectFederation(nil) == Self.federationId)
        #expect(try directory.selectFederation(String(Self.federationId.description.prefix(8))) == Self.federationId)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.mnemonicPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try directory.loadMnemonic()?.words.count == 12)
        #expect(try await client.balance() == .zero)

        let reopened = try FederationClient.open(Self.federationId, directory: directory, modules: [], transport: fake)
        #expect(reopened.config == Self.config())
        #expect(reopened.api.threshold == 3)

        await #expect(throws: JoinError.alreadyJoined(Self.federationId)) {
            _ = try await FederationClient.join(invite: Self.invite, directory: directory, modules: [], join: join(fake))
        }
    }

    @Test func openRefusesAnotherMnemonic() async throws {
        let directory = ClientDirectory(path: NSTemporaryDirectory() + "fm-join-\(UUID().uuidString)")
        let good = FakeFederation.answering(Self.consensus(n: 1))
        let federationId = Self.config(n: 1).federationId
        let invite = InviteCode(federationId: federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:9000/")
        _ = try await FederationClient.join(invite: invite, directory: directory, modules: [], join: FederationJoin { _ in FakeFederation([PeerID(0): good]) })
        try FileManager.default.removeItem(atPath: directory.mnemonicPath)
        try directory.storeMnemonic(try Mnemonic.generate())
        #expect(throws: ClientDirectoryError.mnemonicMismatch(federationId)) {
            _ = try FederationClient.open(federationId, directory: directory, modules: [])
        }
        #expect(throws: ClientDirectoryError.mnemonicExists(directory.mnemonicPath)) {
            try directory.storeMnemonic(try Mnemonic.generate())
        }
    }

    /// A database joined before the mnemonic check was stored (`mnemonic_check` NULL) is checked by its secret
    /// fingerprint: another mnemonic is refused, and the right one is accepted and its check stored, which
    /// later opens compare instead (still refusing another mnemonic).
    @Test func openChecksAnOlderDatabaseByItsFingerprint() async throws {
        let directory = ClientDirectory(path: NSTemporaryDirectory() + "fm-join-\(UUID().uuidString)")
        let good = FakeFederation.answering(Self.consensus(n: 1))
        let federationId = Self.config(n: 1).federationId
        let invite = InviteCode(federationId: federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:9000/")
        let joined = try await FederationClient.join(
            invite: invite, directory: directory, modules: [], join: FederationJoin { _ in FakeFederation([PeerID(0): good]) })
        let mnemonic = try #require(try directory.loadMnemonic())
        let storedCheck = { try joined.database.readNow { try String.fetchOne($0, sql: "SELECT mnemonic_check FROM client_federation") } }
        #expect(try storedCheck() == mnemonic.check(for: federationId).hex)
        try joined.database.writeNow { try $0.execute(sql: "UPDATE client_federation SET mnemonic_check = NULL") }

        try FileManager.default.removeItem(atPath: directory.mnemonicPath)
        try directory.storeMnemonic(try Mnemonic.generate())
        #expect(throws: ClientDirectoryError.mnemonicMismatch(federationId)) {
            _ = try FederationClient.open(federationId, directory: directory, modules: [])
        }
        #expect(try storedCheck() == nil)

        try FileManager.default.removeItem(atPath: directory.mnemonicPath)
        try directory.storeMnemonic(mnemonic)
        let opened = try FederationClient.open(federationId, directory: directory, modules: [])
        #expect(opened.seedDerived)
        #expect(try storedCheck() == mnemonic.check(for: federationId).hex)
        #expect(!(try FederationClient.open(federationId, directory: directory, modules: [])).seedDerived)

        try FileManager.default.removeItem(atPath: directory.mnemonicPath)
        try directory.storeMnemonic(try Mnemonic.generate())
        #expect(throws: ClientDirectoryError.mnemonicMismatch(federationId)) {
            _ = try FederationClient.open(federationId, directory: directory, modules: [])
        }
    }

    @Test func dataDirectoryResolution() {
        #expect(ClientDirectory.resolve("/x", environment: ["FM_CLIENT_DIR": "/y"]).path == "/x")
        #expect(ClientDirectory.resolve(nil, environment: ["FM_CLIENT_DIR": "/y"]).path == "/y")
        #expect(ClientDirectory.resolve(nil, environment: [:]).path.hasSuffix("/.fm-client"))
    }
}
