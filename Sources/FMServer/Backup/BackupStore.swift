import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import Foundation

/// The encrypted wallet snapshots this guardian keeps for clients (docs/wallet.md, "Backup at the guardians"):
/// the newest per client id. A SQLite guardian keeps them in a database of its own (`<guardian database>-backups.sqlite`),
/// so that an upload never takes the SQLite write lock that block application and the consensus checkpoint need; a
/// PostgreSQL guardian keeps them in its PostgreSQL database (an upload is one short write transaction there).
///
/// An upload is checked without state first (size, the owner's signature: ``SignedBackup/isWellFormed``), then
/// stored in one write transaction that refuses an older or equal sequence (a replay) and keeps the total under
/// ``quotaBytes``.
public final class BackupStore: Sendable {
    public let database: any Storage
    /// The most bytes all stored snapshots may take together; beyond it new client ids are refused.
    public let quotaBytes: Int64

    /// 1 GiB: 8,192 snapshots of the largest bucket, far more of typical (1–4 KiB) ones.
    public static let defaultQuotaBytes: Int64 = 1 << 30

    public static let schema = StorageSchema(prefix: "backup", migrations: [
        StorageMigration("1_snapshots") { db in
            try db.execute("""
                CREATE TABLE backup_snapshots (
                    client_id BLOB PRIMARY KEY NOT NULL CHECK (length(client_id) = 32),
                    sequence INTEGER NOT NULL,
                    backup BLOB NOT NULL,
                    stored_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE backup_totals (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    bytes INTEGER NOT NULL CHECK (bytes >= 0)
                );
                INSERT INTO backup_totals (id, bytes) VALUES (1, 0);
                """)
        },
    ])

    /// A SQLite file of its own at `path`.
    public convenience init(path: String, quotaBytes: Int64 = BackupStore.defaultQuotaBytes) throws {
        self.init(database: try SQLiteStorage(path: path, schemas: [Self.schema]), quotaBytes: quotaBytes)
    }

    /// `database` must have been opened with ``schema`` among its schemas.
    public init(database: any Storage, quotaBytes: Int64 = BackupStore.defaultQuotaBytes) {
        self.database = database
        self.quotaBytes = quotaBytes
    }

    /// The backup database beside a guardian database: `guardian.sqlite` → `guardian-backups.sqlite`.
    public static func path(besideGuardianDatabase path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().path + "-backups.sqlite"
    }

    /// Stores `backup` as its owner's newest snapshot. The caller checked ``SignedBackup/isWellFormed``.
    ///
    /// - Throws: ``BackupRefusal/outdated(stored:offered:)`` unless its sequence is above the stored one,
    ///   ``BackupRefusal/storageFull`` when it would take the total past the quota.
    public func store(_ backup: SignedBackup, now: Date = Date()) async throws {
        let bytes = backup.canonicalBytes
        let quota = quotaBytes
        let clientId = Data(backup.clientId.rawRepresentation)
        let sequence = try backup.sequence.storedInteger("sequence")
        try await database.write { db in
            let existing = try db.fetchOne(
                "SELECT sequence, length(backup) AS size FROM backup_snapshots WHERE client_id = ?", [clientId])
            let previousSize: Int64 = try existing?.int64("size") ?? 0
            if let existing {
                let stored: UInt64 = try existing.unsigned("sequence")
                guard backup.sequence > stored else { throw BackupRefusal.outdated(stored: stored, offered: backup.sequence) }
            }
            let total = try db.fetchOne("SELECT bytes FROM backup_totals WHERE id = 1")?.int64("bytes") ?? 0
            let newTotal = total - previousSize + Int64(bytes.count)
            guard newTotal <= quota || Int64(bytes.count) <= previousSize else { throw BackupRefusal.storageFull }
            try db.execute(
                """
                INSERT INTO backup_snapshots (client_id, sequence, backup, stored_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (client_id) DO UPDATE SET sequence = excluded.sequence, backup = excluded.backup,
                    stored_at = excluded.stored_at
                """,
                [clientId, sequence, bytes, Int64(now.timeIntervalSince1970)])
            try db.execute("UPDATE backup_totals SET bytes = ? WHERE id = 1", [newTotal])
        }
    }

    /// The newest snapshot of `clientId`, as stored.
    public func fetch(_ clientId: XOnlyPublicKey) async throws -> SignedBackup? {
        let key = Data(clientId.rawRepresentation)
        let stored = try await database.read { db in
            try db.fetchOne("SELECT backup FROM backup_snapshots WHERE client_id = ?", [key])?.blob("backup")
        }
        return try stored.map { try SignedBackup(canonicalBytes: $0) }
    }

    /// TEST FAULT support: some other client's snapshot.
    func anyOther(than clientId: XOnlyPublicKey) async throws -> SignedBackup? {
        let key = Data(clientId.rawRepresentation)
        let stored = try await database.read { db in
            try db.fetchOne("SELECT backup FROM backup_snapshots WHERE client_id <> ? ORDER BY client_id LIMIT 1", [key])?.blob("backup")
        }
        return try stored.map { try SignedBackup(canonicalBytes: $0) }
    }

    /// The sequence of `clientId`'s stored snapshot, `nil` if it has none here (a replacement is not a new client id
    /// for the per-address limit; an upload not above it is refused before it costs the client id a token).
    public func storedSequence(_ clientId: XOnlyPublicKey) async throws -> UInt64? {
        let key = Data(clientId.rawRepresentation)
        return try await database.read { db in
            try db.fetchOne("SELECT sequence FROM backup_snapshots WHERE client_id = ?", [key])?.optionalUnsigned("sequence")
        }
    }
}

/// Why a guardian refused a snapshot upload.
public enum BackupRefusal: ReportableError, Equatable {
    case malformed(String)
    case badSignature
    case outdated(stored: UInt64, offered: UInt64)
    case storageFull
    case rateLimited(String)

    public var category: FailureCategory {
        switch self {
        case .malformed, .badSignature, .outdated: .badInput
        case .storageFull: .failed
        case .rateLimited: .unreachable
        }
    }

    public var code: String {
        switch self {
        case .malformed: "backup_malformed"
        case .badSignature: "backup_bad_signature"
        case .outdated: "backup_outdated"
        case .storageFull: "backup_storage_full"
        case .rateLimited: "backup_rate_limited"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let reason): "backup: \(reason)"
        case .badSignature: "backup: the signature does not verify under the client id, or the ciphertext is too large"
        case .outdated(let stored, let offered):
            "backup: sequence \(offered) is not newer than the stored \(stored) (a replay or a clock gone back)"
        case .storageFull: "backup: this guardian's snapshot storage is full; new client ids are refused"
        case .rateLimited(let what): "backup: too many uploads \(what); try again later"
        }
    }
}
