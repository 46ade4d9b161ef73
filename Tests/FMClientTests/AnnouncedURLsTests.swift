@testable import FMClient
import FMCore
import FMDatabase
import FMSecp256k1
import Foundation
import Testing

/// What a client keeps of the API announcements guardians serve (AnnouncedURLs.swift): only those its peer's key
/// from the client config signed for this federation, only a higher sequence than stored, persisted.
@Suite("Client: announced guardian URLs")
struct AnnouncedURLsTests {
    /// Four guardians' keys, their federation's client config, and a fresh database path.
    static func fixture() -> (keys: [Keypair], federation: FederationID, config: ClientConfig, path: String) {
        let keys = (0..<4).map { _ in Keypair() }
        let federation = FederationID(Hash256.sha256(Array("fed".utf8)))
        let config = ClientConfig(
            federationId: federation, threshold: 3,
            peers: (0..<4).map {
                ClientConfig.Peer(
                    peerId: PeerID(UInt16($0)), name: "g\($0)", apiUrl: "ws://127.0.0.1:\(9000 + $0)/",
                    consensusPublicKey: Hex.encode(keys[$0].xOnlyPublicKey.rawRepresentation))
            },
            modules: [], devMode: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fm-announced-\(UUID().uuidString).sqlite").path
        return (keys, federation, config, path)
    }

    @Test("a forged, foreign or replayed announcement served by a lying guardian is ignored; the newest valid one is kept")
    func acceptsOnlyValidNewer() async throws {
        let (keys, federation, config, path) = Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try SQLiteDatabase(path: path, schemas: [AnnouncedURLsSchema.schema])
        let book = AnnouncedURLs(config: config, database: database)
        func announce(_ peer: UInt16, _ sequence: UInt64, _ url: String, signer: Int? = nil, in fed: FederationID? = nil) -> APIAnnouncement {
            APIAnnouncement(federation: fed ?? federation, peer: PeerID(peer), sequence: sequence, url: url, key: keys[signer ?? Int(peer)])
        }
        let genuine = announce(3, 5, "ws://new:1/")
        let learned = try await book.accept([
            announce(3, 50, "ws://evil:1/", signer: 0),  // guardian 0 moving guardian 3
            announce(3, 60, "ws://elsewhere:1/", in: FederationID(Hash256.sha256([9]))),
            genuine, announce(3, 4, "ws://older:1/"),
        ])
        #expect(learned == [PeerID(3): "ws://new:1/"])
        // A replay of an older one later changes nothing; a newer one replaces it.
        #expect(try await book.accept([announce(3, 4, "ws://older:1/"), genuine]) == [PeerID(3): "ws://new:1/"])
        #expect(try await book.accept([announce(3, 6, "ws://newer:1/")]) == [PeerID(3): "ws://newer:1/"])
        let (shown, urls) = AnnouncedURLs.apply(try database.readNow { try AnnouncedURLs.stored($0) }, to: config)
        #expect(shown.peers[3].apiUrl == "ws://newer:1/")
        #expect(urls[PeerID(3)] == ["ws://newer:1/", "ws://127.0.0.1:9003/"])
        #expect(urls[PeerID(0)] == ["ws://127.0.0.1:9000/"])
        // A config without keys (stored before they were served) accepts none.
        var keyless = config
        for index in keyless.peers.indices { keyless.peers[index].consensusPublicKey = nil }
        #expect(try await AnnouncedURLs(config: keyless, database: database).accept([announce(2, 7, "ws://x:1/")])[PeerID(2)] == nil)
    }

    /// Review 3: a guardian may sign its own announcement with any sequence; one above 2^63 − 1 (which no guardian
    /// accepts in consensus) made storing the whole batch throw, so one lying guardian serving it kept the client
    /// from learning any moved guardian's URL. It is now skipped and the others are kept.
    @Test("an own announcement with a sequence above 2^63 - 1 does not keep the others from being learned")
    func hugeSequenceIsSkipped() async throws {
        let (keys, federation, config, path) = Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let book = AnnouncedURLs(config: config, database: try SQLiteDatabase(path: path, schemas: [AnnouncedURLsSchema.schema]))
        let huge = APIAnnouncement(federation: federation, peer: PeerID(0), sequence: UInt64(Int64.max) + 1, url: "ws://liar:1/", key: keys[0])
        let moved = APIAnnouncement(federation: federation, peer: PeerID(2), sequence: 7, url: "ws://moved:1/", key: keys[2])
        #expect(try await book.accept([huge, moved]) == [PeerID(2): "ws://moved:1/"])
    }
}
