import FMCore
import FMStorage
import FMEncoding
import FMSecp256k1
import Foundation

/// Who may announce an API URL: the federation and every guardian's consensus key (``APIAnnouncement``).
public struct APIAnnouncementKeys: Sendable {
    public let federation: FederationID
    public let keys: [PeerID: XOnlyPublicKey]

    public init(federation: FederationID, keys: [PeerID: XOnlyPublicKey]) {
        self.federation = federation
        self.keys = keys
    }

    /// Why `announcement` may not replace `stored` (the peer's current sequence), or `nil` when it may.
    func refusal(_ announcement: APIAnnouncement, stored: UInt64?) -> String? {
        guard let key = keys[announcement.peer] else { return "an API announcement of \(announcement.peer), who is not a guardian" }
        guard announcement.isValid(federation: federation, key: key) else {
            return "an API announcement of \(announcement.peer) whose signature does not verify"
        }
        if let stored, announcement.sequence <= stored {
            return "an API announcement of \(announcement.peer) with sequence \(announcement.sequence), not above \(stored)"
        }
        guard Int64(exactly: announcement.sequence) != nil else {
            return "an API announcement of \(announcement.peer) with sequence \(announcement.sequence) above 2^63 - 1"
        }
        return nil
    }
}

/// Signed API URL announcements (docs/decisions/0002-guardian-operations.md, "Moving a guardian"): every guardian
/// keeps the newest valid announcement of each peer, one row per peer. Any proposer may carry any peer's
/// announcement (the signature speaks for the peer, so a guardian can pass on what a moved peer announced); one
/// whose signature does not verify against the peer's consensus key, or whose sequence is not above the stored
/// one, is refused, the same way on every guardian.
extension GuardianOperations {
    static func applyAnnouncement(_ announcement: APIAnnouncement, keys: APIAnnouncementKeys?, db: any StorageWriting) throws -> Applied {
        guard let keys else { return .rejected("API announcements are not accepted by this processor") }
        if let why = keys.refusal(announcement, stored: try announcementSequence(of: announcement.peer, db)) {
            return .rejected(why)
        }
        try db.execute(
            """
            INSERT INTO server_api_announcements (peer, sequence, announcement) VALUES (?, ?, ?)
            ON CONFLICT (peer) DO UPDATE SET sequence = excluded.sequence, announcement = excluded.announcement
            """,
            [Int64(announcement.peer.rawValue), try announcement.sequence.storedInteger("sequence"), announcement.canonicalBytes])
        return .announced(announcement)
    }

    static func announcementSequence(of peer: PeerID, _ db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT sequence FROM server_api_announcements WHERE peer = ?", [Int64(peer.rawValue)])?.unsigned("sequence")
    }

    /// The newest announcement of every peer that made one, by peer.
    static func announcements(_ db: any StorageReading) throws -> [APIAnnouncement] {
        try storedAnnouncements(db).map { try APIAnnouncement(canonicalBytes: $0) }
    }

    /// Every stored announcement's bytes, by peer.
    private static func storedAnnouncements(_ db: any StorageReading) throws -> [[UInt8]] {
        try db.fetchAll("SELECT announcement FROM server_api_announcements ORDER BY peer").map { try $0.blob("announcement") }
    }

    /// The announcements' part of the state digest: every stored row's raw bytes, by peer.
    static func announcementDigestBytes(_ db: any StorageReading, into encoder: inout CanonicalEncoder) throws {
        let rows = try storedAnnouncements(db)
        encoder.writeVarint(UInt64(rows.count))
        for row in rows { encoder.writeBytes(row) }
    }
}
