import FMCore
import FMDatabase
import FMPostgres
import FMServerCore
import FMStorage
import Foundation
import Logging

/// `fm-node migrate-db`: a stopped guardian's SQLite state (its database and its clients' snapshots) copied into an
/// empty PostgreSQL database, then verified: every table row by row, and the state every module and the guardian
/// operations read from it (their state digests) identical through both backends.
///
/// The target must hold nothing: a copy never merges into or overwrites another guardian's state. A failure (or a
/// kill) leaves the target's tables behind, marked as an unfinished copy that `fm-node run` refuses to open; drop and
/// recreate the database before trying again. The SQLite files are only read
/// (opening them applies this binary's pending migrations, as `fm-node run` would).
public enum GuardianDatabaseMigration {
    public struct Report: Sendable, Codable {
        /// Every copied table and its rows.
        public let tables: [StorageCopy.TableCount]
        public let rows: Int
        /// The guardian's latest applied block and its state digest (hex), nil before the first block.
        public let blockHeight: UInt64?
        public let stateDigest: String?
        /// The modules' and operations' state, hashed, read through the target (equal to the source's).
        public let stateCheck: String

        enum CodingKeys: String, CodingKey {
            case tables, rows
            case blockHeight = "block_height"
            case stateDigest = "state_digest"
            case stateCheck = "state_check"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(
        configs: GuardianConfigs, databasePath: String, to url: PostgresURL, password: String?,
        registry: ModuleRegistry = .standard, logger: Logger
    ) throws -> Report {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw Failure(description: "no guardian database at \(databasePath)")
        }
        let modules = try GuardianModules.build(configs, registry: registry)
        let schemas = [ConsensusStore.schema] + TransactionProcessor.schemas(for: modules)
        let source = try SQLiteStorage(path: databasePath, schemas: schemas)
        let backups = try SQLiteStorage(path: BackupStore.path(besideGuardianDatabase: databasePath), schemas: [BackupStore.schema])
        try requireEmpty(url: url, password: password, logger: logger)
        // The in-progress mark first: a failure or kill from here until the copy is checked leaves a target that
        // `fm-node run` refuses to open.
        let target = try PostgresStorage(
            url: url, password: password, schemas: [StorageCopy.copyInProgress] + schemas + [BackupStore.schema], logger: logger)
        defer { target.close() }

        let tables = try StorageCopy.tables(of: schemas, in: source)
        let backupTables = try StorageCopy.tables(of: [BackupStore.schema], in: backups)
        logger.info("copying \(tables.count + backupTables.count) tables")
        try StorageCopy.copy(from: [(tables, source as any Storage), (backupTables, backups as any Storage)], to: target)
        let counts = try StorageCopy.verify(tables, source: source, target: target)
            + StorageCopy.verify(backupTables, source: backups, target: target)

        let expected = try source.readNow { try stateCheck(modules, $0) }
        let copied = try target.readNow { try stateCheck(modules, $0) }
        guard expected == copied else {
            throw Failure(description: "the state read through PostgreSQL differs from SQLite's (\(copied.hex) vs \(expected.hex))")
        }
        let status = try target.readNow { try StateDigests.status($0) }
        // Only a copy checked row by row and state by state may be opened by fm-node run (review 12).
        try StorageCopy.finishCopy(target)
        return Report(
            tables: counts, rows: counts.reduce(0) { $0 + $1.rows }, blockHeight: status.height, stateDigest: status.digest,
            stateCheck: copied.hex)
    }

    /// Refused unless the database holds nothing: a database with applied migrations already fails to open with
    /// none, any other table fails ``StorageCopy/requireEmpty(_:)``.
    static func requireEmpty(url: PostgresURL, password: String?, logger: Logger) throws {
        let probe: PostgresStorage
        do {
            probe = try PostgresStorage(url: url, password: password, schemas: [], logger: logger)
        } catch DatabaseSetupError.unknownAppliedMigrations {
            throw Failure(description: "the target database is not empty: it holds a guardian's migrations; give an empty database")
        }
        defer { probe.close() }
        try StorageCopy.requireEmpty(probe)
    }

    /// Every module's state digest (in instance order) and the operations' state, hashed: what the modules read back.
    static func stateCheck(_ modules: [any ServerModule], _ db: any StorageReading) throws -> Hash256 {
        var bytes: [UInt8] = []
        for module in modules.sorted(by: { $0.instance < $1.instance }) {
            bytes += try module.stateDigest(db: db)
        }
        bytes += try GuardianOperations.digestBytes(db)
        return Hash256.sha256(bytes)
    }
}
