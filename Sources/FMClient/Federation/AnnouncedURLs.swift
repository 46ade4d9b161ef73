import FMClientCore
import FMCore
import FMDatabase
import FMSecp256k1
import Foundation
import GRDB

/// The guardians' API URLs this client learned from signed announcements (``APIAnnouncement``; issue 22,
/// "Moving a guardian"): for each peer the newest one whose signature verified against the peer's consensus key in
/// the client config. A lower or equal sequence never replaces a stored one, so an old announcement cannot be
/// replayed, and an announcement no key verifies is ignored, so no guardian can move another.
enum AnnouncedURLsSchema {
    static let schema = SubsystemSchema(prefix: "fedurls", migrations: [
        SchemaMigration("v1 announced api urls") { db in
            try db.execute(sql: """
                CREATE TABLE fedurls_announced (
                    peer INTEGER PRIMARY KEY NOT NULL,
                    sequence INTEGER NOT NULL,
                    announcement TEXT NOT NULL
                );
                """)
        },
    ])
}

struct AnnouncedURLs: Sendable {
    let config: ClientConfig
    let database: SQLiteDatabase

    /// The newest stored announcement of every peer.
    static func stored(_ db: Database) throws -> [PeerID: APIAnnouncement] {
        var stored: [PeerID: APIAnnouncement] = [:]
        for text in try String.fetchAll(db, sql: "SELECT announcement FROM fedurls_announced ORDER BY peer") {
            let announcement = try JSONConventions.decode(APIAnnouncement.self, from: Data(text.utf8), what: "stored API announcement")
            stored[announcement.peer] = announcement
        }
        return stored
    }

    /// Whether `announcement` is signed by its peer's key from `config` for this federation.
    static func verifies(_ announcement: APIAnnouncement, config: ClientConfig) -> Bool {
        guard let hex = config.peers.first(where: { $0.peerId == announcement.peer })?.consensusPublicKey,
            let raw = Hex.decode(hex), let key = try? XOnlyPublicKey(rawRepresentation: raw)
        else { return false }
        return announcement.isValid(federation: config.federationId, key: key)
    }

    /// Stores every announcement that verifies and is newer than the stored one of its peer (the highest sequence
    /// among `candidates` wins), in one transaction; returns the URL of every peer that has a stored one now.
    func accept(_ candidates: [APIAnnouncement]) async throws -> [PeerID: String] {
        let config = config
        var newest: [PeerID: APIAnnouncement] = [:]
        // A sequence above 2^63 - 1 is refused as in consensus (review 3: storing it threw, and took the batch with it).
        for announcement in candidates where Int64(exactly: announcement.sequence) != nil && Self.verifies(announcement, config: config) {
            if let best = newest[announcement.peer], best.sequence >= announcement.sequence { continue }
            newest[announcement.peer] = announcement
        }
        let accepted = newest
        return try await database.write { db in
            var stored = try Self.stored(db)
            for (peer, announcement) in accepted {
                if let current = stored[peer], current.sequence >= announcement.sequence { continue }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO fedurls_announced (peer, sequence, announcement) VALUES (?, ?, ?)",
                    arguments: [
                        Int64(peer.rawValue), try announcement.sequence.storedInteger("sequence"),
                        try JSONConventions.line(announcement),
                    ])
                stored[peer] = announcement
            }
            return stored.mapValues(\.url)
        }
    }

    /// `config` with each peer's URL replaced by its stored announced one (what the client shows and tries first),
    /// and every peer's URLs in the order to try them.
    static func apply(_ stored: [PeerID: APIAnnouncement], to config: ClientConfig) -> (ClientConfig, [PeerID: [String]]) {
        var config = config
        var urls: [PeerID: [String]] = [:]
        for index in config.peers.indices {
            let peer = config.peers[index]
            if let announced = stored[peer.peerId], announced.url != peer.apiUrl {
                urls[peer.peerId] = [announced.url, peer.apiUrl]
                config.peers[index].apiUrl = announced.url
            } else {
                urls[peer.peerId] = [peer.apiUrl]
            }
        }
        return (config, urls)
    }
}
