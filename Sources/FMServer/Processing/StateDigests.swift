import FMCore
import FMStorage
import FMEncoding
import FMServerCore
import Foundation

/// The state digest (issue 16): after every block, a hash chained over the previous block's digest, the block's
/// recorded transaction outcomes, every module's ``ServerModule/stateDigest(db:)`` and the guardian operations'
/// state (``GuardianOperations/digestBytes(_:)``). Honest guardians applying
/// the same blocks hold the same digest at every height; each proposes its digest every ``reportInterval`` busy blocks
/// (``FederationItem/stateDigest(_:)``) and every guardian compares the reports it applies with its own. A
/// mismatch is logged at critical level, stored, counted in `/metrics` and shown in `status`: divergence is
/// detected within a few blocks instead of by a failing audit or signature much later.
enum StateDigests {
    /// Every how many blocks a guardian reports its digest.
    static let reportInterval: UInt64 = 8

    static let genesis = Hash256(bytes: [UInt8](repeating: 0, count: 32))!

    /// Computes and stores the digest after block `height`.
    static func record(
        height: UInt64, transactions: [ProcessedTransaction], modules: [ModuleInstanceID: any ServerModule], db: any StorageWriting
    ) throws -> Hash256 {
        var encoder = CanonicalEncoder()
        encoder.write(height == 0 ? genesis : try digest(at: height - 1, db: db) ?? genesis)
        encoder.write(height)
        for entry in transactions where entry.recorded {
            encoder.write(entry.txid)
            switch entry.outcome {
            case .accepted: encoder.writeVarint(0)
            case .rejected(let rejection):
                encoder.writeVarint(1)
                encoder.write(rejection.code)
            }
        }
        for instance in modules.keys.sorted() {
            guard let module = modules[instance] else { continue }
            encoder.write(instance)
            encoder.writeBytes(try module.stateDigest(db: db))
        }
        encoder.writeBytes(try GuardianOperations.digestBytes(db))
        let digest = Hash256.sha256(encoder.bytes)
        try db.execute(
            "INSERT INTO server_state_digests (height, digest) VALUES (?, ?) ON CONFLICT (height) DO UPDATE SET digest = excluded.digest",
            [try height.storedInteger("height"), digest.bytes])
        return digest
    }

    static func digest(at height: UInt64, db: any StorageReading) throws -> Hash256? {
        guard let stored = Int64(exactly: height),
            let row = try db.fetchOne("SELECT digest FROM server_state_digests WHERE height = ?", [stored])
        else { return nil }
        return Hash256(bytes: try row.blob("digest"))
    }

    /// Compares another guardian's report with this guardian's digest at that height; stores and returns a
    /// mismatch. A report for a height this guardian has no digest for (from before digests existed) is ignored.
    static func compare(_ report: StateDigestReport, db: any StorageWriting) throws -> DigestMismatch? {
        guard let ours = try digest(at: report.height, db: db), ours != report.digest else { return nil }
        try db.execute(
            "INSERT INTO server_digest_mismatches (height, peer, digest, ours) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [try report.height.storedInteger("height"), Int64(report.peer.rawValue), report.digest.bytes, ours.bytes])
        return DigestMismatch(peer: report.peer, height: report.height, theirs: report.digest.hex, ours: ours.hex)
    }

    /// The latest digest, the number of mismatches recorded and the latest few of them.
    static func status(_ db: any StorageReading) throws -> StateDigestStatus {
        let latest = try db.fetchOne("SELECT height, digest FROM server_state_digests ORDER BY height DESC LIMIT 1")
        let count = try db.fetchOne("SELECT count(*) AS n FROM server_digest_mismatches")?.int64("n") ?? 0
        let recent = try db.fetchAll(
            "SELECT height, peer, digest, ours FROM server_digest_mismatches ORDER BY height DESC, peer LIMIT 10"
        ).map { row in
            DigestMismatch(
                peer: PeerID(UInt16(clamping: try row.int64("peer"))), height: UInt64(clamping: try row.int64("height")),
                theirs: Hex.encode(try row.blob("digest")), ours: Hex.encode(try row.blob("ours")))
        }
        return StateDigestStatus(
            height: try latest.map { UInt64(clamping: try $0.int64("height")) },
            digest: try latest.map { Hex.encode(try $0.blob("digest")) }, mismatchCount: Int(clamping: count),
            recentMismatches: recent)
    }
}

/// Another guardian reported a different state digest for a height than this guardian holds.
public struct DigestMismatch: Hashable, Sendable, Codable {
    public var peer: PeerID
    public var height: UInt64
    /// Hex of the digest the peer reported.
    public var theirs: String
    /// Hex of this guardian's digest at that height.
    public var ours: String
}

/// What `status` reports about the state digest.
public struct StateDigestStatus: Hashable, Sendable, Codable {
    /// The last block with a digest, and that digest (hex).
    public var height: UInt64?
    public var digest: String?
    /// How many reports from other guardians differed from this guardian's digest (0 on a healthy federation).
    public var mismatchCount: Int
    public var recentMismatches: [DigestMismatch]
}
