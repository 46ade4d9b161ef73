import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import FMServer
import FMTesting
import Foundation
import Testing

/// Signed API URL announcements (APIAnnouncements.swift): kept per peer when the peer's consensus key signed them
/// for this federation and the sequence rises; forged, replayed, foreign and malformed ones are deterministic
/// rejections that store nothing, whoever carries them.
@Suite("Guardian operations: signed API URL announcements")
struct APIAnnouncementTests {
    struct Federation {
        /// The processor's database, on the backend under test (`FM_TEST_STORAGE`).
        let place: StoragePlace
        let processor: TransactionProcessor
        let federation: FederationID
        let keys: [Keypair]
        var height: UInt64 = 0

        /// Guardian 0's processor; `configs` lets two instances be the same federation's.
        init(configs: [GuardianConfigs]? = nil) throws {
            place = try Backend.placeUnderTest()
            let configs = try configs ?? TestingDealer.generateForTesting(guardians: 4, basePort: 40_200, devMode: true)
            federation = try configs[0].consensus.federationID(modules: .standard)
            keys = try configs.map { config in
                Keypair(secretKey: try SecretKey(rawRepresentation: try #require(Hex.decode(config.private.consensusSecretKey))))
            }
            let modules = try GuardianModules.build(configs[0], registry: .standard)
            let database = try place.open(TransactionProcessor.schemas(for: modules))
            processor = TransactionProcessor(
                database: database, modules: modules, threshold: 3,
                announcementKeys: APIAnnouncementKeys(federation: federation, keys: try configs[0].consensus.consensusKeys()))
        }

        func announcement(_ peer: UInt16, _ sequence: UInt64, _ url: String, signer: Int? = nil, federation: FederationID? = nil)
            -> APIAnnouncement
        {
            APIAnnouncement(
                federation: federation ?? self.federation, peer: PeerID(peer), sequence: sequence, url: url,
                key: keys[signer ?? Int(peer)])
        }

        mutating func block(_ proposer: UInt16, _ items: [[UInt8]]) async throws -> BlockOutcome {
            defer { height += 1 }
            return try #require(try await processor.apply(height: height, proposer: PeerID(proposer), items: items))
        }

        mutating func announce(_ proposer: UInt16, _ announcements: APIAnnouncement...) async throws -> BlockOutcome {
            try await block(proposer, announcements.map { FederationItem.apiAnnouncement($0).canonicalBytes })
        }

        func urls() async throws -> [UInt16: String] {
            Dictionary(uniqueKeysWithValues: try await processor.apiAnnouncements().map { ($0.peer.rawValue, $0.url) })
        }
    }

    @Test("a guardian's signed announcement is kept, carried by any proposer; a higher sequence replaces it; the digest covers it")
    func keptAndReplaced() async throws {
        let configs = try TestingDealer.generateForTesting(guardians: 4, basePort: 40_200, devMode: true)
        var federation = try Federation(configs: configs)
        var unannounced = try Federation(configs: configs)
        let first = try await federation.announce(0, federation.announcement(3, 10, "ws://127.0.0.1:9001/"))
        #expect(try await federation.urls() == [3: "ws://127.0.0.1:9001/"])
        // The same federation's block without the announcement: a different state digest (the digest covers it).
        #expect(try await unannounced.announce(0).stateDigest != first.stateDigest)
        _ = try await federation.announce(2, federation.announcement(3, 11, "wss://mint.example:8174/"))
        #expect(try await federation.urls() == [3: "wss://mint.example:8174/"])
        #expect(try await federation.processor.apiAnnouncementSequence(of: PeerID(3)) == 11)
    }

    @Test("forged, replayed, foreign-federation and unknown-peer announcements are refused and change nothing")
    func refusals() async throws {
        let configs = try TestingDealer.generateForTesting(guardians: 4, basePort: 40_200, devMode: true)
        var federation = try Federation(configs: configs)
        var quiet = try Federation(configs: configs)  // the same blocks without the refused items
        let kept = federation.announcement(3, 10, "ws://127.0.0.1:9001/")
        _ = try await federation.announce(3, kept)
        _ = try await quiet.announce(3, kept)
        let foreign = FederationID(Hash256.sha256(Array("another federation".utf8)))
        let refused: [APIAnnouncement] = [
            federation.announcement(3, 20, "ws://evil:1/", signer: 1),  // guardian 1 moving guardian 3
            federation.announcement(3, 10, "ws://127.0.0.1:9002/"),  // equal sequence
            federation.announcement(3, 9, "ws://127.0.0.1:9003/"),  // older
            federation.announcement(3, 30, "ws://127.0.0.1:9004/", federation: foreign),
            federation.announcement(3, UInt64.max, "ws://127.0.0.1:9005/"),  // does not fit a column
            APIAnnouncement(peer: PeerID(7), sequence: 40, url: "ws://x:1/", signature: federation.announcement(3, 40, "ws://x:1/").signature),
        ]
        for announcement in refused {
            let outcome = try await federation.announce(1, announcement)
            #expect(try await federation.urls() == [3: "ws://127.0.0.1:9001/"], "\(announcement)")
            #expect(outcome.haltedReason == nil)
            // A refused item leaves the state digest as an empty block does.
            #expect(try await quiet.announce(1).stateDigest == outcome.stateDigest, "\(announcement)")
        }
    }

    @Test("malformed announcement bodies are skipped at decoding, never a trap; a processor without keys refuses all")
    func malformed() async throws {
        var federation = try Federation()
        func variant5(_ body: (inout CanonicalEncoder) -> Void) -> [UInt8] {
            var encoder = CanonicalEncoder()
            encoder.writeVariant(5, body: body)
            return encoder.bytes
        }
        let signature = [UInt8](repeating: 1, count: 64)
        let items = [
            variant5 { $0.write(PeerID(3)); $0.writeVarint(1); $0.writeBytes(Array("http://x:1/".utf8)); $0.writeFixed(signature) },
            variant5 { $0.write(PeerID(3)); $0.writeVarint(1); $0.writeBytes(Array("ws://\(String(repeating: "a", count: 300))".utf8)); $0.writeFixed(signature) },
            variant5 { $0.write(PeerID(3)); $0.writeVarint(1); $0.writeBytes(Array("ws://a b/".utf8)); $0.writeFixed(signature) },
            variant5 { $0.write(PeerID(3)); $0.writeVarint(1); $0.writeBytes(Array("ws://x:1/".utf8)); $0.writeFixed([1, 2]) },
            variant5 { $0.writeFixed([0xFF]) },
        ]
        for item in items { #expect((try? FederationItem(canonicalBytes: item)) == nil) }
        let outcome = try await federation.block(0, items)
        #expect(outcome.haltedReason == nil)
        #expect(try await federation.urls().isEmpty)

        let keyless = TransactionProcessor(database: federation.processor.database, modules: Array(federation.processor.modules.values))
        _ = try await keyless.apply(
            height: federation.height, proposer: PeerID(0),
            items: [FederationItem.apiAnnouncement(federation.announcement(3, 5, "ws://127.0.0.1:9001/")).canonicalBytes])
        #expect(try await federation.urls().isEmpty)
    }

    @Test("an announcement round-trips through its canonical and JSON forms and verifies only for its key and federation")
    func encoding() throws {
        let key = Keypair()
        let federation = FederationID(Hash256.sha256([1]))
        let announcement = APIAnnouncement(federation: federation, peer: PeerID(2), sequence: 1_700_000_000_000, url: "wss://a.example:443/", key: key)
        #expect(try APIAnnouncement(canonicalBytes: announcement.canonicalBytes) == announcement)
        let json = try JSONConventions.line(announcement)
        #expect(try JSONConventions.decode(APIAnnouncement.self, from: Data(json.utf8), what: "announcement") == announcement)
        #expect(announcement.isValid(federation: federation, key: key.xOnlyPublicKey))
        #expect(!announcement.isValid(federation: FederationID(Hash256.sha256([2])), key: key.xOnlyPublicKey))
        #expect(!announcement.isValid(federation: federation, key: Keypair().xOnlyPublicKey))
        for bad in ["", "ws://", "http://a:1/", "ws://a b:1/", "ws://a:1/\n", "wss://é:1/", "ws://" + String(repeating: "a", count: 252)] {
            #expect(!APIAnnouncement.isWellFormedURL(bad), "\(bad)")
        }
        #expect(APIAnnouncement.isWellFormedURL("ws://" + String(repeating: "a", count: 251)))
    }
}
