import FMCore
import FMDatabase
import FMEncoding
import FMServerCore
import Foundation
import GRDB

/// The guardian operations decided by consensus (issue 22; docs/decisions/0002-guardian-operations.md): federation
/// meta, scheduled shutdown, signed API URL announcements (``applyAnnouncement(_:keys:db:)``) and consensus-version
/// voting (``applyVersionAnnouncement(_:from:atHeight:guardians:components:db:)``). Every rule here is a pure
/// function of the applied blocks, so every honest guardian decides the same; an item that breaks a rule is a
/// deterministic rejection (nothing stored), never a trap.
///
/// - **Meta.** Each guardian has at most one open proposal: its latest ``FederationItem/metaProposal(_:)`` (a
///   newer one replaces it); an item naming another guardian than the block's proposer is refused. A proposal must be for revision agreed + 1. When `threshold` guardians' proposals
///   are byte-for-byte equal (revision and the whole key set), that set becomes the agreed meta and every open
///   proposal is dropped (they were all for that revision).
/// - **Shutdown.** Each guardian has at most one request (its latest). A request must name a height at least
///   ``shutdownMinimumLead`` blocks after the block that carries it, and none may be made while an agreed shutdown
///   is still ahead. When `threshold` guardians request the same height, that height is agreed and the requests
///   are dropped; every guardian applies that block, then stops ordering and exits (``GuardianNode``).
enum GuardianOperations {
    /// How far ahead of the block carrying it a shutdown request must aim, so every guardian learns the height
    /// (and stops voting past it) before consensus gets there.
    static let shutdownMinimumLead: UInt64 = 3
    /// How far ahead a shutdown may be scheduled (no new one can be requested while one is ahead).
    static let shutdownMaximumLead: UInt64 = 1_000_000

    /// What applying one operations item did.
    enum Applied: Equatable {
        case stored
        case metaAgreed(FederationMeta)
        case shutdownAgreed(UInt64)
        case announced(APIAnnouncement)
        case versionsActivated([ConsensusVersionStatus.Activation])
        case rejected(String)
    }

    /// Runs `apply` in a savepoint: an unexpected error (a bug, a value that does not fit a column) is a rejection
    /// with nothing kept, like a module's item; only an environmental failure aborts the block (it is retried).
    static func applying(_ db: Database, _ apply: (Database) throws -> Applied) throws -> Applied {
        var applied = Applied.stored
        try db.inSavepoint {
            do {
                applied = try apply(db)
                if case .rejected = applied { return .rollback }
                return .commit
            } catch {
                guard case .reject(let why) = ProcessingFailure.classify(error) else { throw error }
                applied = .rejected(why.message)
                return .rollback
            }
        }
        return applied
    }

    // MARK: - Meta

    static func applyMeta(_ item: MetaProposal, from peer: PeerID, threshold: Int, db: Database) throws -> Applied {
        guard item.peer == peer else { return .rejected("a meta proposal naming \(item.peer) in a block of \(peer)") }
        let proposal = item.meta
        let agreed = try agreedMeta(db)
        guard agreed.revision < UInt64.max, proposal.revision == agreed.revision + 1 else {
            return .rejected("meta proposal for revision \(proposal.revision), but \(agreed.revision) is agreed")
        }
        let bytes = Data(proposal.canonicalBytes)
        try db.execute(
            sql: "INSERT OR REPLACE INTO server_meta_proposals (peer, revision, meta) VALUES (?, ?, ?)",
            arguments: [Int64(peer.rawValue), try proposal.revision.storedInteger("revision"), bytes])
        let supporters = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM server_meta_proposals WHERE meta = ?", arguments: [bytes]) ?? 0
        guard supporters >= threshold else { return .stored }
        try db.execute(
            sql: "UPDATE server_meta SET revision = ?, meta = ?, height = (SELECT next_height FROM server_cursor) WHERE id = 0",
            arguments: [try proposal.revision.storedInteger("revision"), bytes])
        try db.execute(
            sql: "DELETE FROM server_meta_proposals WHERE revision <= ?", arguments: [try proposal.revision.storedInteger("revision")])
        return .metaAgreed(proposal)
    }

    static func agreedMeta(_ db: Database) throws -> FederationMeta {
        guard let raw = try Data.fetchOne(db, sql: "SELECT meta FROM server_meta WHERE id = 0") else { return .empty }
        return try FederationMeta(canonicalBytes: Array(raw))
    }

    /// Every guardian's open proposal, by peer.
    static func metaProposals(_ db: Database) throws -> [PeerID: FederationMeta] {
        var proposals: [PeerID: FederationMeta] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT peer, meta FROM server_meta_proposals ORDER BY peer") {
            guard let peer = UInt16(exactly: row["peer"] as Int64) else { continue }
            proposals[PeerID(peer)] = try FederationMeta(canonicalBytes: Array(row["meta"] as Data))
        }
        return proposals
    }

    // MARK: - Shutdown

    static func applyShutdownRequest(
        _ request: ShutdownRequest, from peer: PeerID, atHeight block: UInt64, threshold: Int, db: Database
    ) throws -> Applied {
        guard request.peer == peer else { return .rejected("a shutdown request naming \(request.peer) in a block of \(peer)") }
        if let scheduled = try scheduledShutdown(db), scheduled >= block {
            return .rejected("a shutdown after block \(scheduled) is already scheduled")
        }
        let (earliest, overflow) = block.addingReportingOverflow(shutdownMinimumLead)
        guard !overflow, request.height >= earliest else {
            return .rejected("shutdown height \(request.height) is less than \(shutdownMinimumLead) blocks after block \(block)")
        }
        guard request.height - block <= shutdownMaximumLead, Int64(exactly: request.height) != nil else {
            return .rejected("shutdown height \(request.height) is more than \(shutdownMaximumLead) blocks after block \(block)")
        }
        let height = try request.height.storedInteger("height")
        try db.execute(
            sql: "INSERT OR REPLACE INTO server_shutdown_requests (peer, height) VALUES (?, ?)",
            arguments: [Int64(peer.rawValue), height])
        let supporters = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM server_shutdown_requests WHERE height = ?", arguments: [height]) ?? 0
        guard supporters >= threshold else { return .stored }
        try db.execute(
            sql: "INSERT OR REPLACE INTO server_shutdown (id, height, agreed_at) VALUES (0, ?, ?)",
            arguments: [height, try block.storedInteger("agreed_at")])
        try db.execute(sql: "DELETE FROM server_shutdown_requests")
        return .shutdownAgreed(request.height)
    }

    /// The agreed shutdown height (past or ahead), if any was ever agreed.
    static func scheduledShutdown(_ db: Database) throws -> UInt64? {
        guard let stored = try Int64.fetchOne(db, sql: "SELECT height FROM server_shutdown WHERE id = 0") else { return nil }
        return try UInt64(storedInteger: stored, "height")
    }

    static func shutdownRequests(_ db: Database) throws -> [PeerID: UInt64] {
        var requests: [PeerID: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT peer, height FROM server_shutdown_requests ORDER BY peer") {
            guard let peer = UInt16(exactly: row["peer"] as Int64) else { continue }
            requests[PeerID(peer)] = try UInt64(storedInteger: row["height"], "height")
        }
        return requests
    }

    // MARK: - State digest

    /// The operations' part of the state digest: the stored bytes of the agreed meta and of every open proposal,
    /// the agreed shutdown, every open request, every stored API announcement and the consensus-version votes (raw
    /// rows, so a digest never depends on re-validating old data).
    static func digestBytes(_ db: Database) throws -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeBytes(try Data.fetchOne(db, sql: "SELECT meta FROM server_meta WHERE id = 0") ?? Data())
        let proposals = try Row.fetchAll(db, sql: "SELECT peer, meta FROM server_meta_proposals ORDER BY peer")
        encoder.writeVarint(UInt64(proposals.count))
        for row in proposals {
            encoder.write(try UInt64(storedInteger: row["peer"], "peer"))
            encoder.writeBytes(row["meta"] as Data)
        }
        encoder.write(try scheduledShutdown(db))
        let requests = try Row.fetchAll(db, sql: "SELECT peer, height FROM server_shutdown_requests ORDER BY peer")
        encoder.writeVarint(UInt64(requests.count))
        for row in requests {
            encoder.write(try UInt64(storedInteger: row["peer"], "peer"))
            encoder.write(try UInt64(storedInteger: row["height"], "height"))
        }
        try announcementDigestBytes(db, into: &encoder)
        try versionDigestBytes(db, into: &encoder)
        return encoder.bytes
    }

    // MARK: - What the API serves

    static func status(_ db: Database, nextHeight: UInt64) throws -> OperationsStatus {
        let shutdown = try scheduledShutdown(db)
        let digest = try shutdown.flatMap { try StateDigests.digest(at: $0, db: db) }
        return OperationsStatus(
            meta: try agreedMeta(db),
            metaProposals: try metaProposals(db).sorted { $0.key < $1.key }.map { .init(peer: $0.key, meta: $0.value) },
            shutdown: shutdown.map { height in
                ShutdownStatus(height: height, reached: height < nextHeight, stateDigest: digest?.hex)
            },
            shutdownRequests: try shutdownRequests(db).sorted { $0.key < $1.key }.map { .init(peer: $0.key, height: $0.value) })
    }
}

/// The agreed meta as the `meta` endpoint serves it, with the proposals still open.
public struct OperationsStatus: Hashable, Sendable, Codable {
    public struct PeerProposal: Hashable, Sendable, Codable {
        public var peer: PeerID
        public var meta: FederationMeta
    }
    public struct ShutdownRequestStatus: Hashable, Sendable, Codable {
        public var peer: PeerID
        public var height: UInt64
    }

    public var meta: FederationMeta
    public var metaProposals: [PeerProposal]
    public var shutdown: ShutdownStatus?
    public var shutdownRequests: [ShutdownRequestStatus]
}

/// The agreed scheduled shutdown: its height, whether this guardian has applied that block, and its state digest
/// after it (equal on every honest guardian).
public struct ShutdownStatus: Hashable, Sendable, Codable {
    public var height: UInt64
    public var reached: Bool
    public var stateDigest: String?
}
