import Crypto
import FMCore
import Foundation

/// One guardian backup file (docs/operator-guide.md, "Backups: schedule and restore drill"): the guardian's config
/// directory (its `private.json` still sealed under the passphrase) and online-backup snapshots of its databases,
/// with a manifest and a checksum.
///
/// Layout: the magic line `fm-guardian-backup\n`, the manifest's length (4 bytes, big-endian), the manifest
/// (``GuardianBackupManifest`` as JSON), every file's bytes in the manifest's order, and the SHA-256 of everything
/// before it (32 bytes). Files are named by ``GuardianBackupEntry`` only, so a restore writes a fixed set of names
/// into its target directories and no manifest can name a path.
public enum GuardianBackupArchive {
    static let magic = Array("fm-guardian-backup\n".utf8)
    public static let formatVersion = 1
    static let maxManifestBytes = 1 << 20
    static let checksumBytes = 32
    static let copyChunk = 1 << 20

    /// Writes the archive of `files` (each read from its path) to `path`, created 0600 (it must not exist), and
    /// returns the manifest with every file's size and digest filled in.
    static func write(
        _ manifest: GuardianBackupManifest, files: [(GuardianBackupEntry, String)], to path: String
    ) throws -> (GuardianBackupManifest, checksum: String) {
        var manifest = manifest
        manifest.files = try files.map { entry, source in
            let (size, digest) = try digestOf(file: source)
            return GuardianBackupManifest.File(name: entry, size: size, sha256: digest)
        }
        let manifestBytes = Array(try JSONConventions.encoder().encode(manifest))
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, AtomicFile.secretMode)
        guard fd >= 0 else { throw GuardianBackupError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            var hasher = SHA256()
            func emit(_ bytes: some DataProtocol) throws {
                hasher.update(data: bytes)
                try output.write(contentsOf: bytes)
            }
            try emit(magic)
            try emit(withUnsafeBytes(of: UInt32(manifestBytes.count).bigEndian, Array.init))
            try emit(manifestBytes)
            for (_, source) in files {
                let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: copyChunk), !chunk.isEmpty { try emit(chunk) }
            }
            let checksum = Array(hasher.finalize())
            try output.write(contentsOf: checksum)
            try output.synchronize()
            try output.close()
            return (manifest, Hex.encode(checksum))
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Checks the backup at `path` (layout, manifest, checksum) and returns its manifest and checksum (hex).
    public static func verify(_ path: String) throws -> (manifest: GuardianBackupManifest, checksum: String) {
        let reader = try GuardianBackupReader(path: path)
        return (reader.manifest, reader.checksum)
    }

    /// The size and SHA-256 (hex) of the file at `path`.
    static func digestOf(file path: String) throws -> (UInt64, String) {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? input.close() }
        var hasher = SHA256()
        var size: UInt64 = 0
        while let chunk = try input.read(upToCount: copyChunk), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += UInt64(chunk.count)
        }
        return (size, Hex.encode(Array(hasher.finalize())))
    }
}

/// The files a guardian backup holds; nothing else is ever read from or written by one.
public enum GuardianBackupEntry: String, Codable, CaseIterable, Sendable {
    case consensus = "consensus.json"
    case local = "local.json"
    case `private` = "private.json"
    case client = "client.json"
    /// The guardian's database (consensus log, modules' state).
    case database = "guardian.sqlite"
    /// Clients' encrypted wallet snapshots (``BackupStore``).
    case clientSnapshots = "guardian-backups.sqlite"

    /// The entries every backup must hold.
    static let required: Set<GuardianBackupEntry> = [.consensus, .local, .private, .database]
}

/// What a guardian backup says about itself.
public struct GuardianBackupManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var name: GuardianBackupEntry
        public var size: UInt64
        /// SHA-256 of the file's bytes, hex.
        public var sha256: String
    }

    /// The state digest after block `height` (hex), the one the other guardians report for that block.
    public struct Digest: Codable, Sendable, Equatable {
        public var height: UInt64
        public var digest: String
    }

    public var format: Int
    /// The fm-node version that wrote it.
    public var fmVersion: String
    public var federationId: FederationID
    public var guardianId: PeerID
    /// Blocks applied in the database snapshot (the next block it applies is this one).
    public var blockHeight: UInt64
    public var stateDigest: Digest?
    /// When the snapshot was taken, seconds since 1970.
    public var createdAt: UInt64
    public var files: [File]
}

/// Why a guardian backup or restore failed.
public enum GuardianBackupError: ReportableError, Equatable {
    /// The file is not an intact guardian backup (`detail` says what is wrong).
    case invalid(String)
    /// A restore target directory already holds files.
    case targetNotEmpty(field: String, path: String)
    /// `private.json` is plain: a backup would hold the guardian's secrets in the clear.
    case privateConfigNotSealed
    /// The backup the client asked for is not (or no longer) staged.
    case unknownBackup
    case io(String)
    /// The guardian keeps its state in PostgreSQL: SQLite's online backup does not apply (the operator uses pg_dump).
    case postgresDatabase

    public var category: FailureCategory {
        switch self {
        case .invalid, .targetNotEmpty, .unknownBackup: .badInput
        case .privateConfigNotSealed, .io, .postgresDatabase: .failed
        }
    }

    public var code: String {
        switch self {
        case .invalid: "invalid_backup"
        case .targetNotEmpty: "target_not_empty"
        case .privateConfigNotSealed: "private_config_not_sealed"
        case .unknownBackup: "unknown_backup"
        case .io: "backup_io_failed"
        case .postgresDatabase: "backup_postgres_database"
        }
    }

    public var field: String? {
        switch self {
        case .invalid: "FILE"
        case .targetNotEmpty(let field, _): field
        case .unknownBackup: "id"
        case .privateConfigNotSealed, .io, .postgresDatabase: nil
        }
    }

    public var description: String {
        switch self {
        case .invalid(let why): "FILE: not an intact guardian backup: \(why)"
        case .targetNotEmpty(let field, let path): "\(field): expected an empty or new directory, '\(path)' holds files"
        case .privateConfigNotSealed:
            "private.json is not sealed under a passphrase, and a backup never holds a secret in the clear (fm-dkg seals it; the test dealer does with --passphrase-file)"
        case .unknownBackup: "id: no staged guardian backup has this id (a newer one replaced it, or it expired)"
        case .io(let why): "guardian backup: \(why)"
        case .postgresDatabase:
            "this guardian keeps its state in PostgreSQL: back that database up with pg_dump and copy the config directory (docs/operator-guide.md, \"PostgreSQL\")"
        }
    }
}
