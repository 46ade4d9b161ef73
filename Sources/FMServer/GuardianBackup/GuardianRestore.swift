import FMCore
import Foundation
import GRDB

/// Rebuilds a guardian from a backup file into empty directories; started with `fm-node run`, it then catches up
/// from its peers (consensus catch-up fetches the blocks finalized since the snapshot).
public enum GuardianRestore {
    /// Checks `file` (layout, checksum, manifest against its own configs) and writes the configs into
    /// `configDirectory` and the databases into `dataDirectory` (default: the config directory), both empty or new.
    /// `local.json`'s database path is rewritten to the restored database, so nothing in the file chooses where
    /// anything is written. On failure, whatever it created is removed.
    public static func restore(
        from file: String, configDirectory: String, dataDirectory: String?, modules: ModuleRegistry = .standard
    ) throws -> GuardianRestoreResult {
        let reader = try GuardianBackupReader(path: file)
        let manifest = reader.manifest
        guard let consensusBytes = try reader.contents(of: .consensus), let localBytes = try reader.contents(of: .local),
            let privateBytes = try reader.contents(of: .private)
        else { throw GuardianBackupError.invalid("it lacks a config") }
        guard GuardianConfigDirectory.isSealed(Data(privateBytes)) else { throw GuardianBackupError.privateConfigNotSealed }
        let consensus: ConsensusConfig
        var local: LocalConfig
        do {
            consensus = try JSONConventions.decode(ConsensusConfig.self, from: Data(consensusBytes), what: "consensus.json")
            local = try JSONConventions.decode(LocalConfig.self, from: Data(localBytes), what: "local.json")
        } catch {
            throw GuardianBackupError.invalid("its configs do not decode (\(error))")
        }
        guard local.peerId == manifest.guardianId else {
            throw GuardianBackupError.invalid("local.json is guardian \(local.peerId.rawValue), the manifest says \(manifest.guardianId.rawValue)")
        }
        guard (try? consensus.federationID(modules: modules)) == manifest.federationId else {
            throw GuardianBackupError.invalid("consensus.json is not the config of federation \(manifest.federationId)")
        }

        let configPath = absolute(configDirectory)
        let dataPath = absolute(dataDirectory ?? configDirectory)
        var created: [Target] = []
        do {
            try prepareEmpty(configPath, field: "--config-dir", created: &created)
            if dataPath != configPath { try prepareEmpty(dataPath, field: "--data-dir", created: &created) }
            let directory = GuardianConfigDirectory(path: configPath)
            let databasePath = (dataPath as NSString).appendingPathComponent(GuardianBackupEntry.database.rawValue)
            local.databasePath = dataPath == configPath ? GuardianBackupEntry.database.rawValue : databasePath
            let encoder = JSONConventions.encoder(pretty: true)
            try AtomicFile.write(consensusBytes, to: directory.file(GuardianConfigDirectory.consensusFile), mode: AtomicFile.publicMode)
            try AtomicFile.write(try encoder.encode(local), to: directory.file(GuardianConfigDirectory.localFile), mode: AtomicFile.publicMode)
            try AtomicFile.write(privateBytes, to: directory.file(GuardianConfigDirectory.privateFile), mode: AtomicFile.secretMode)
            if let client = try reader.contents(of: .client) {
                try AtomicFile.write(client, to: directory.file(GuardianConfigDirectory.clientFile), mode: AtomicFile.publicMode)
            }
            try reader.extract(.database, to: databasePath, mode: AtomicFile.secretMode)
            if reader.entries[.clientSnapshots] != nil {
                try reader.extract(
                    .clientSnapshots, to: BackupStore.path(besideGuardianDatabase: databasePath), mode: AtomicFile.secretMode)
            }
            try checkDatabase(databasePath, height: manifest.blockHeight)
            return GuardianRestoreResult(
                file: file, checksum: reader.checksum, configDir: configPath, dataDir: dataPath,
                federationId: manifest.federationId, guardianId: manifest.guardianId, blockHeight: manifest.blockHeight,
                stateDigest: manifest.stateDigest, createdAt: manifest.createdAt)
        } catch {
            for target in created.reversed() { target.undo() }
            throw error
        }
    }

    /// A target directory restore prepared, to undo on failure: removed if restore made it, emptied if it was
    /// there (empty) before.
    private struct Target {
        let path: String
        let existed: Bool

        func undo() {
            guard existed else {
                try? FileManager.default.removeItem(atPath: path)
                return
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Creates `path` (0700) or accepts it empty.
    private static func prepareEmpty(_ path: String, field: String, created: inout [Target]) throws {
        var isDirectory: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if existed {
            guard isDirectory.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw GuardianBackupError.targetNotEmpty(field: field, path: path)
            }
        }
        try AtomicFile.createPrivateDirectory(path)
        created.append(Target(path: path, existed: existed))
    }

    /// The restored database opens, passes SQLite's quick check, and is at the manifest's height.
    private static func checkDatabase(_ path: String, height: UInt64) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let (check, nextHeight): (String?, Int64?)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            (check, nextHeight) = try queue.read { db in
                (try String.fetchOne(db, sql: "PRAGMA quick_check"),
                 try Int64.fetchOne(db, sql: "SELECT next_height FROM server_cursor WHERE id = 0"))
            }
            try queue.close()
        } catch {
            throw GuardianBackupError.invalid("its database does not open (\(error))")
        }
        guard check == "ok" else { throw GuardianBackupError.invalid("its database fails SQLite's check: \(check ?? "no answer")") }
        guard let nextHeight, nextHeight >= 0, UInt64(nextHeight) == height else {
            throw GuardianBackupError.invalid("its database is not at the manifest's block height \(height)")
        }
    }

    static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(
            fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        return url.standardizedFileURL.path
    }
}

/// What `fm-node restore` prints.
public struct GuardianRestoreResult: Codable, Sendable {
    public var file: String
    public var checksum: String
    public var configDir: String
    public var dataDir: String
    public var federationId: FederationID
    public var guardianId: PeerID
    public var blockHeight: UInt64
    public var stateDigest: GuardianBackupManifest.Digest?
    public var createdAt: UInt64
}
