import FMCore
import FMStorage
import FMEncoding
import FMServerCore
import Foundation

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
    static func applying(_ db: any StorageWriting, _ apply: (any StorageWriting) throws -> Applied) throws -> Applied {
        do {
            return try db.inSavepoint {
                let applied = try apply(db)
                if case .rejected(let why) = applied { throw Refused(why: why) }  // rolls the savepoint back
                return applied
            }
        } catch let refused as Refused {
            return .rejected(refused.why)
        } catch {
            guard case .reject(let why) = ProcessingFailure.classify(error) else { throw error }
            return .rejected(why.message)
        }
    }

    /// A rule refused the item: thrown out of its savepoint so that nothing it wrote is kept.
    private struct Refused: Error {
        let why: String
    }

    // MARK: - Meta

    static func applyMeta(_ item: MetaProposal, from peer: PeerID, threshold: Int, db: any StorageWriting) throws -> Applied {
        guard item.peer == peer else { return .rejected("a meta proposal naming \(item.peer) in a block of \(peer)") }
        let proposal = item.meta
        let agreed = try agreedMeta(db)
        guard agreed.revision < UInt64.max, proposal.revision == agreed.revision + 1 else {
            return .rejected("meta proposal for revision \(proposal.revision), but \(agreed.revision) is agreed")
        }
        let bytes = proposal.canonicalBytes
        let revision = try proposal.revision.storedInteger("revision")
        try db.execute(
            """
            INSERT INTO server_meta_proposals (peer, revision, meta) VALUES (?, ?, ?)
            ON CONFLICT (peer) DO UPDATE SET revision = excluded.revision, meta = excluded.meta
            """,
            [Int64(peer.rawValue), revision, bytes])
        let supporters = try db.fetchOne("SELECT count(*) AS n FROM server_meta_proposals WHERE meta = ?", [bytes])?.int64("n") ?? 0
        guard supporters >= threshold else { return .stored }
        try db.execute(
            "UPDATE server_meta SET revision = ?, meta = ?, height = (SELECT next_height FROM server_cursor) WHERE id = 0",
            [revision, bytes])
        try db.execute("DELETE FROM server_meta_proposals WHERE revision <= ?", [revision])
        return .metaAgreed(proposal)
    }

    static func agreedMeta(_ db: any StorageReading) throws -> FederationMeta {
        guard let row = try db.fetchOne("SELECT meta FROM server_meta WHERE id = 0") else { return .empty }
        return try FederationMeta(canonicalBytes: try row.blob("meta"))
    }

    /// Every guardian's open proposal, by peer.
    static func metaProposals(_ db: any StorageReading) throws -> [PeerID: FederationMeta] {
        var proposals: [PeerID: FederationMeta] = [:]
        for row in try db.fetchAll("SELECT peer, meta FROM server_meta_proposals ORDER BY peer") {
            guard let peer = UInt16(exactly: try row.int64("peer")) else { continue }
            proposals[PeerID(peer)] = try FederationMeta(canonicalBytes: try row.blob("meta"))
        }
        return proposals
    }

    // MARK: - Shutdown

    static func applyShutdownRequest(
        _ request: ShutdownRequest, from peer: PeerID, atHeight block: UInt64, threshold: Int, db: any StorageWriting
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
            "INSERT INTO server_shutdown_requests (peer, height) VALUES (?, ?) ON CONFLICT (peer) DO UPDATE SET height = excluded.height",
            [Int64(peer.rawValue), height])
        let supporters = try db.fetchOne("SELECT count(*) AS n FROM server_shutdown_requests WHERE height = ?", [height])?.int64("n") ?? 0
        guard supporters >= threshold else { return .stored }
        try db.execute(
            """
            INSERT INTO server_shutdown (id, height, agreed_at) VALUES (0, ?, ?)
            ON CONFLICT (id) DO UPDATE SET height = excluded.height, agreed_at = excluded.agreed_at
            """,
            [height, try block.storedInteger("agreed_at")])
        try db.execute("DELETE FROM server_shutdown_requests")
        return .shutdownAgreed(request.height)
    }

    /// The agreed shutdown height (past or ahead), if any was ever agreed.
    static func scheduledShutdown(_ db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT height FROM server_shutdown WHERE id = 0")?.unsigned("height")
    }

    static func shutdownRequests(_ db: any StorageReading) throws -> [PeerID: UInt64] {
        var requests: [PeerID: UInt64] = [:]
        for row in try db.fetchAll("SELECT peer, height FROM server_shutdown_requests ORDER BY peer") {
            guard let peer = UInt16(exactly: try row.int64("peer")) else { continue }
            requests[PeerID(peer)] = try row.unsigned("height")
        }
        return requests
    }

    // MARK: - State digest

    /// The operations' part of the state digest: the stored bytes of the agreed meta and of every open proposal,
    /// the agreed shutdown, every open request, every stored API announcement and the consensus-version votes (raw
    /// rows, so a digest never depends on re-validating old data).
    static func digestBytes(_ db: any StorageReading) throws -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeBytes(try db.fetchOne("SELECT meta FROM server_meta WHERE id = 0")?.blob("meta") ?? [])
        let proposals = try db.fetchAll("SELECT peer, meta FROM server_meta_proposals ORDER BY peer")
        encoder.writeVarint(UInt64(proposals.count))
        for row in proposals {
            encoder.write(try row.unsigned("peer", as: UInt64.self))
            encoder.writeBytes(try row.blob("meta"))
        }
        encoder.write(try scheduledShutdown(db))
        let requests = try db.fetchAll("SELECT peer, height FROM server_shutdown_requests ORDER BY peer")
        encoder.writeVarint(UInt64(requests.count))
        for row in requests {
            encoder.write(try row.unsigned("peer", as: UInt64.self))
            encoder.write(try row.unsigned("height", as: UInt64.self))
        }
        try announcementDigestBytes(db, into: &encoder)
        try versionDigestBytes(db, into: &encoder)
        return encoder.bytes
    }

    // MARK: - What the API serves

    static func status(_ db: any StorageReading, nextHeight: UInt64) throws -> OperationsStatus {
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
