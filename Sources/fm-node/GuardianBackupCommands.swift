import ArgumentParser
import FMCLI
import FMCore
import FMServer
import Foundation

extension FMNode {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ADMIN, online: write a running guardian's backup (configs, database snapshot, manifest) to a file.",
            discussion: """
                Asks the running guardian (an admin call: the operator token file beside its database, or \
                --password-file) to snapshot its databases with SQLite's online backup while it keeps running, and \
                writes one file (mode 0600) with its config directory (private.json stays sealed under the \
                passphrase; a guardian whose private.json is plain refuses), the snapshots, a manifest (version, \
                federation, guardian, block height, state digest at that height, sizes) and a SHA-256 checksum, \
                verified before the file is kept. Restore it with fm-node restore.

                Examples:
                  fm-node backup --config-dir fed/guardian-3 --out g3-backup.fmbackup
                  fm-node backup --api ws://127.0.0.1:17001/ --password-file operator.txt --out g3.fmbackup | jq .block_height
                """)

        @OptionGroup var admin: AdminClientOptions

        @Option(help: ArgumentHelp("Where to write the backup (must not exist; created 0600).", valueName: "file"))
        var out: String

        func run() async throws {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw InvalidInput(field: "--out", expected: "a path that does not exist yet ('\(out)' exists)")
            }
            let client = try admin.connect()
            defer { Task { await client.close() } }
            let created = try await client.call("guardian_backup_create", as: GuardianBackupCreated.self, timeout: .seconds(620))
            let partial = out + ".partial-\(getpid())"
            let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, AtomicFile.secretMode)
            guard fd >= 0 else {
                throw InvalidInput(field: "--out", expected: "a writable path ('\(partial)': \(String(cString: strerror(errno))))")
            }
            let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            do {
                var offset: UInt64 = 0
                while offset < created.size {
                    let chunk = try await client.call(
                        "guardian_backup_read", params: GuardianBackupReadParams(id: created.id, offset: offset),
                        as: GuardianBackupChunk.self)
                    guard chunk.offset == offset, let data = Data(base64Encoded: chunk.data), !data.isEmpty else {
                        throw GuardianBackupError.io("the guardian sent a malformed chunk at offset \(offset)")
                    }
                    try output.write(contentsOf: data)
                    offset += UInt64(data.count)
                    if chunk.end { break }
                }
                try output.synchronize()
                try output.close()
                let verified = try GuardianBackupArchive.verify(partial)
                guard offset == created.size, verified.checksum == created.checksum else {
                    throw GuardianBackupError.io("the file received does not match the guardian's checksum")
                }
                guard rename(partial, out) == 0 else {
                    throw InvalidInput(field: "--out", expected: "a writable path (\(String(cString: strerror(errno))))")
                }
            } catch {
                unlink(partial)
                throw error
            }
            try StandardOutput.emit(BackupResult(
                file: out, size: created.size, checksum: created.checksum, federationId: created.manifest.federationId,
                guardianId: created.manifest.guardianId, blockHeight: created.manifest.blockHeight,
                stateDigest: created.manifest.stateDigest))
        }
    }

    struct BackupResult: Codable {
        var file: String
        var size: UInt64
        var checksum: String
        var federationId: FederationID
        var guardianId: PeerID
        var blockHeight: UInt64
        var stateDigest: GuardianBackupManifest.Digest?
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offline: rebuild a guardian from a backup file into empty directories; fm-node run then catches up.",
            discussion: """
                Checks the file (checksum, manifest, each file's digest, the configs against the manifest's \
                federation and guardian, the database's integrity and height) before writing anything, then writes \
                the configs into --config-dir and the databases into --data-dir (default: the config directory); \
                both must be empty or new. local.json's database path is set to the restored database. Start the \
                guardian with fm-node run (with its passphrase): it fetches the blocks finalized since the backup \
                from its peers and carries on.

                Examples:
                  fm-node restore g3-backup.fmbackup --config-dir new-host/guardian-3
                  fm-node restore g3-backup.fmbackup --config-dir restored/config --data-dir restored/data | jq .block_height
                """)

        @Argument(help: ArgumentHelp("The backup file (written by fm-node backup).", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("Where to write the configs (empty or new).", valueName: "dir"))
        var configDir: String

        @Option(help: ArgumentHelp("Where to write the databases (empty or new; default: --config-dir).", valueName: "dir"))
        var dataDir: String?

        func run() async throws {
            try StandardOutput.emit(try GuardianRestore.restore(from: file, configDirectory: configDir, dataDirectory: dataDir))
        }
    }
}
