import FMClient
import FMClientCore
import FMCore
import Foundation
import Testing

@Suite struct FederationJoinTests {
    static let federationId = FederationID(Hash256.sha256(Array("consensus config".utf8)))

    static func config(n: Int = 4, id: FederationID = federationId, devMode: Bool = true) -> ClientConfig {
        ClientConfig(
            federationId: id, threshold: FederationSize(n).threshold,
            peers: peers(n).map { ClientConfig.Peer(peerId: $0, name: "g\($0.rawValue)", apiUrl: "ws://127.0.0.1:\(9000 + Int($0.rawValue))/") },
            modules: [ClientConfig.Module(instance: ModuleInstanceID(0), kind: "mint", config: .object(["fee": .integer(100)]))],
            devMode: devMode)
    }

    static let invite = InviteCode(federationId: federationId, peer: PeerID(1), apiUrl: "ws://127.0.0.1:9001/")

    /// Guardians keyed by peer; the join connects to URLs, which the fake maps back to peers by port.
    func join(_ fake: FakeFederation) -> FederationJoin {
        FederationJoin { _ in fake }
    }

    @Test func joinsWhenThresholdGuardiansServeTheSameConfig() async throws {
        let good = FakeFederation.answering(Self.config())
        let fake = FakeFederation([PeerID(0): good, PeerID(1): good, PeerID(2): FakeFederation.down, PeerID(3): good])
        let config = try await join(fake).fetchConfig(invite: Self.invite)
        #expect(config == Self.config())
    }

    @Test func refusesAConfigOfAnotherFederation() async throws {
        let other = FederationID(Hash256.sha256(Array("other".utf8)))
        let fake = FakeFederation([PeerID(1): FakeFederation.answering(Self.config(id: other))])
        await #expect(throws: JoinError.wrongFederation(expected: Self.federationId, served: other)) {
            try await join(fake).fetchConfig(invite: Self.invite)
        }
    }

    @Test func namesTheGuardianServingADifferentConfig() async throws {
        let good = FakeFederation.answering(Self.config())
        let forged = FakeFederation.answering(Self.config(devMode: false))
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
        let good = FakeFederation.answering(Self.config())
        let fake = FakeFederation([
            PeerID(0): good, PeerID(1): FakeFederation.answering(Self.config(devMode: false)), PeerID(2): good, PeerID(3): good,
        ])
        await #expect(throws: JoinError.inviteGuardianDisagrees(PeerID(1))) {
            try await join(fake).fetchConfig(invite: Self.invite)
        }
    }

    @Test func unreachableFederationExitsWithCategoryUnreachable() async throws {
        let good = FakeFederation.answering(Self.config())
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
        let good = FakeFederation.answering(Self.config())
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
        let good = FakeFederation.answering(Self.config(n: 1))
        let invite = InviteCode(federationId: Self.federationId, peer: PeerID(0), apiUrl: "ws://127.0.0.1:9000/")
        _ = try await FederationClient.join(invite: invite, directory: directory, modules: [], join: FederationJoin { _ in FakeFederation([PeerID(0): good]) })
        try FileManager.default.removeItem(atPath: directory.mnemonicPath)
        try directory.storeMnemonic(try Mnemonic.generate())
        #expect(throws: ClientDirectoryError.mnemonicMismatch(Self.federationId)) {
            _ = try FederationClient.open(Self.federationId, directory: directory, modules: [])
        }
        #expect(throws: ClientDirectoryError.mnemonicExists(directory.mnemonicPath)) {
            try directory.storeMnemonic(try Mnemonic.generate())
        }
    }

    @Test func dataDirectoryResolution() {
        #expect(ClientDirectory.resolve("/x", environment: ["FM_CLIENT_DIR": "/y"]).path == "/x")
        #expect(ClientDirectory.resolve(nil, environment: ["FM_CLIENT_DIR": "/y"]).path == "/y")
        #expect(ClientDirectory.resolve(nil, environment: [:]).path.hasSuffix("/.fm-client"))
    }
}
