import FMCore
import FMDatabase
import Foundation
import GRDB

/// Makes guardian backups while the guardian runs (``GuardianBackupAPI``): online-backup snapshots of its databases
/// (SQLite's backup API inside one read transaction, so each is consistent), its config files, a manifest read from
/// the snapshot itself (height and state digest of exactly that state), into one staged file in the data directory
/// that the operator's client then reads in chunks.
///
/// One backup is staged at a time, in `guardian-backup.staging/` beside the database (0700); a new one replaces it,
/// reading its last byte removes it, and one left unread for ``stagedLifetime`` is removed on the next call. The
/// guardian writes nowhere else: no request names a path.
public actor GuardianBackups {
    let node: GuardianNode
    let configDirectory: GuardianConfigDirectory
    let stagingDirectory: String
    private var staged: Staged?

    struct Staged {
        let id: String
        let path: String
        let size: UInt64
        let created: ContinuousClock.Instant
    }

    static let stagedLifetime = Duration.seconds(3600)
    /// The largest chunk one ``read(id:offset:)`` returns (base64 on the wire: 4/3 of it).
    public static let chunkBytes = 4 << 20

    public init(node: GuardianNode, configDirectory: GuardianConfigDirectory) {
        self.node = node
        self.configDirectory = configDirectory
        let databasePath = node.databasePath
        stagingDirectory = ((databasePath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("guardian-backup.staging")
    }

    /// Snapshots the guardian into a staged backup file and returns its id, size and manifest.
    public func create(now: Date = Date()) throws -> GuardianBackupCreated {
        // SQLite's online backup is the only snapshot this can take; a PostgreSQL guardian is backed up with pg_dump.
        guard let database = (node.processor.database as? SQLiteStorage)?.database,
            let snapshots = (node.backups.database as? SQLiteStorage)?.database
        else { throw GuardianBackupError.postgresDatabase }
        guard try configDirectory.privateConfigIsSealed() else { throw GuardianBackupError.privateConfigNotSealed }
        discardStaged()
        try? FileManager.default.removeItem(atPath: stagingDirectory)
        try AtomicFile.createPrivateDirectory(stagingDirectory)
        do {
            let databaseCopy = file(GuardianBackupEntry.database.rawValue)
            let (height, digest) = try Self.snapshot(database, to: databaseCopy) { db in
                try StorageTransaction.run(over: db) { db in
                    (try TransactionProcessor.cursor(db).nextHeight, try StateDigests.status(db))
                }
            }
            let snapshotsCopy = file(GuardianBackupEntry.clientSnapshots.rawValue)
            _ = try Self.snapshot(snapshots, to: snapshotsCopy) { _ in () }
            var files: [(GuardianBackupEntry, String)] = [
                (.consensus, configDirectory.file(GuardianConfigDirectory.consensusFile)),
                (.local, configDirectory.file(GuardianConfigDirectory.localFile)),
                (.private, configDirectory.file(GuardianConfigDirectory.privateFile)),
            ]
            let client = configDirectory.file(GuardianConfigDirectory.clientFile)
            if FileManager.default.fileExists(atPath: client) { files.append((.client, client)) }
            files += [(.database, databaseCopy), (.clientSnapshots, snapshotsCopy)]
            let manifest = GuardianBackupManifest(
                format: GuardianBackupArchive.formatVersion, fmVersion: FMServerVersion.current,
                federationId: node.federationID, guardianId: node.peerID, blockHeight: height,
                stateDigest: digest.height.flatMap { height in
                    digest.digest.map { GuardianBackupManifest.Digest(height: height, digest: $0) }
                },
                createdAt: UInt64(max(0, now.timeIntervalSince1970)), files: [])
            var generator = SystemRandomNumberGenerator()
            let id = Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            let archivePath = file("backup-\(id).fmbackup")
            let (written, checksum) = try GuardianBackupArchive.write(manifest, files: files, to: archivePath)
            for copy in [databaseCopy, snapshotsCopy] { try? FileManager.default.removeItem(atPath: copy) }
            let size = try Self.size(of: archivePath)
            staged = Staged(id: id, path: archivePath, size: size, created: .now)
            node.logger.info("guardian backup staged at height \(height) (\(size) bytes)")
            return GuardianBackupCreated(id: id, size: size, checksum: checksum, manifest: written)
        } catch {
            try? FileManager.default.removeItem(atPath: stagingDirectory)
            throw error
        }
    }

    /// Up to ``chunkBytes`` of staged backup `id` from `offset`; after the last byte the staged file is removed.
    public func read(id: String, offset: UInt64) throws -> GuardianBackupChunk {
        if let staged, ContinuousClock.now - staged.created > Self.stagedLifetime { discardStaged() }
        guard let staged, staged.id == id else { throw GuardianBackupError.unknownBackup }
        guard offset <= staged.size else {
            throw InvalidInput(field: "offset", expected: "an offset within the backup's \(staged.size) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: staged.path) else { throw GuardianBackupError.unknownBackup }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: Int(min(UInt64(Self.chunkBytes), staged.size - offset))) ?? Data()
        let end = offset + UInt64(data.count)
        if end == staged.size { discardStaged() }
        return GuardianBackupChunk(data: data.base64EncodedString(), offset: offset, end: end == staged.size)
    }

    private func discardStaged() {
        if let staged { try? FileManager.default.removeItem(atPath: staged.path) }
        staged = nil
    }

    private func file(_ name: String) -> String { (stagingDirectory as NSString).appendingPathComponent(name) }

    /// Copies `database` to `path` with SQLite's online backup (one read transaction: a consistent state while
    /// blocks keep being applied), makes the copy a single self-contained file, and reads `inspect` from the copy.
    static func snapshot<T>(_ database: SQLiteDatabase, to path: String, inspect: (Database) throws -> T) throws -> T {
        let copy = try DatabaseQueue(path: path)
        try database.pool.backup(to: copy)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        let value = try copy.read(inspect)
        try copy.close()
        return value
    }

    static func size(of path: String) throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.uint64Value ?? 0
    }
}

/// `guardian_backup_create`'s answer.
public struct GuardianBackupCreated: Codable, Sendable {
    /// Names the staged backup in `guardian_backup_read`.
    public var id: String
    public var size: UInt64
    /// The SHA-256 of the whole file (its last 32 bytes), hex.
    public var checksum: String
    public var manifest: GuardianBackupManifest
}

/// `guardian_backup_read`'s answer: bytes `offset ..< offset + decoded length` of the backup.
public struct GuardianBackupChunk: Codable, Sendable {
    /// Base64.
    public var data: String
    public var offset: UInt64
    /// Whether this chunk ends the file (the guardian then removes its staged copy).
    public var end: Bool
}

/// `guardian_backup_read`'s params.
public struct GuardianBackupReadParams: Codable, Sendable {
    public var id: String
    public var offset: UInt64
    public init(id: String, offset: UInt64) {
        self.id = id
        self.offset = offset
    }
}
