import FMConsensus
import FMCore
import FMDatabase
import FMServer
import FMStorage
import FMTesting
import Foundation
import Logging
import Testing

/// `fm-node migrate-db` in process, against the test PostgreSQL server.
@Suite struct GuardianDatabaseMigrationTests {
    /// Review 10: the guardian's tables and its clients' snapshots were copied in two transactions, so a failure (or a
    /// kill) between them left a target holding the guardian's state without the snapshots, which a second
    /// migrate-db refused as not empty but `fm-node run --database` accepted: the snapshots lost. Now one transaction:
    /// a client snapshot the target refuses (text where PostgreSQL's column is a bigint; SQLite keeps what it is
    /// given) keeps nothing of the guardian's state either.
    @Test func aCopyFailingPartWayKeepsNothingInTheTarget() async throws {
        let place = try Backend.postgres.place()
        guard case .postgres(let server, let url) = place.location else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configs = try TestingDealer.generateForTesting(
            guardians: 1, basePort: 40_000, devMode: true, mintParameters: ProcessorHarness.mintParameters)[0]
        let schemas = [ConsensusStore.schema] + TransactionProcessor.schemas(for: try GuardianModules.build(configs, registry: .standard))
        let path = directory.appendingPathComponent("guardian.sqlite").path
        try await ConsensusStore(database: try SQLiteStorage(path: path, schemas: schemas))
            .save(ConsensusCheckpoint(iteration: 7, notarizeVote: nil, skipVote: true))
        let backups = try SQLiteStorage(path: BackupStore.path(besideGuardianDatabase: path), schemas: [BackupStore.schema])
        try backups.writeNow { tx in
            try tx.execute(
                "INSERT INTO backup_snapshots (client_id, sequence, backup, stored_at) VALUES (?, 1, ?, 'later')",
                [[UInt8](repeating: 1, count: 32), [UInt8]([1, 2, 3])])
        }

        #expect(throws: (any Error).self) {
            try GuardianDatabaseMigration.run(
                configs: configs, databasePath: path, to: url, password: server.password, logger: Logger(label: "fm.test.migrate"))
        }
        // The target is marked as an unfinished copy (so is one whose migrate-db was killed before the copy): opening
        // it as `fm-node run --database` does is refused, naming migrate-db, instead of running on an empty state.
        do {
            _ = try place.open(schemas + [BackupStore.schema])
            Issue.record("fm-node run would open a target left by a failed migrate-db")
        } catch {
            #expect("\(error)".contains("unfinished copy (fm-node migrate-db failed"), "\(error)")
        }
        let target = try place.open([StorageCopy.copyInProgress] + schemas + [BackupStore.schema])
        #expect(try target.readNow { try $0.fetchAll("SELECT id FROM consensus_checkpoint") }.isEmpty)
    }
}
