import FMCore
import FMDatabase
import FMLightningServer
import FMMintServer
import FMServer
import FMServerCore
import FMWalletServer
import Foundation
import GRDB
import Testing

/// A guardian database written by main's code before the modules spoke the storage interface (ed0b703: mint, wallet
/// and ln on GRDB) opens unchanged: no migration of that time runs again, the ledger and the schema stay as they
/// were, and every module's state digest is byte-identical to what that code computed (digests are compared among
/// guardians and with older binaries). The one migration appended since, `wallet/5_peg_out_order`, adds
/// `wallet_peg_outs.seq` filled in rowid order and its unique index, and changes nothing else.
///
/// The fixture `Tests/Fixtures/guardian-ed0b703.sql` is `sqlite3 .dump` of a database that ed0b703 opened with
/// `TransactionProcessor.schemas(for:)` (mint, wallet, ln of a one-guardian dealer config) and filled with a fixed
/// state (every table the digests read, the mint's consensus version 2 active); the digests below are what ed0b703's
/// `stateDigest(db:)` returned for it.
@Suite struct GuardianDatabaseCompatibilityTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/guardian-ed0b703.sql")

    static let ledger = [
        "ln/1_create", "mint/1_create", "mint/2_issued_outputs", "mint/3_outstanding_total", "mint/4_issuance_chain",
        "server/v1 transactions and cursor", "server/v2 state digests", "server/v3 federation meta and scheduled shutdown",
        "server/v4 api announcements", "server/v5 consensus versions", "wallet/1_create", "wallet/2_fee_bump",
        "wallet/3_chain_facts", "wallet/4_scanned_through", "wallet/5_peg_out_order",
    ]

    static let digests: [String: String] = [
        "mint": "eec924dee820470bbf7436a58fb75810dbc26cec9442a39c6dcc2dbf416113bb",
        "wallet": "b2129e56b2d762b57ad2ff651aeeddaeb99796a972d7bf2389478a3c76b2fa06",
        "ln": "4e42e38132ef3640bd9483b5170740b701ae1ff802f2c850a40feece3ce6a678",
    ]

    @Test func aDatabaseOfTheGRDBModulesOpensUnchangedWithIdenticalDigests() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-compat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("guardian.sqlite").path
        let restored = try DatabaseQueue(path: path)
        try restored.inDatabase { db in try db.execute(sql: try String(contentsOf: Self.fixture, encoding: .utf8)) }
        let schemaBefore = try restored.read(Self.schemaObjects)
        try restored.close()

        let registry = ModuleRegistry([MintServerInit(), WalletServerInit(), LightningServerInit(clock: { 0 }, voteInterval: 10)])
        let configs = try TestingDealer.generateForTesting(guardians: 1, basePort: 41_500, devMode: true, modules: registry)
        let modules = try GuardianModules.build(configs[0], registry: registry)
        let database = try SQLiteDatabase(path: path, schemas: TransactionProcessor.schemas(for: modules).map(SubsystemSchema.init))

        #expect(try database.readNow { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
            == Self.ledger)
        let schemaAfter = try database.readNow(Self.schemaObjects)
        let appended: Set<String> = ["wallet_peg_outs", "wallet_peg_outs_by_seq"]
        #expect(schemaAfter.filter { !appended.contains($0["name"]) } == schemaBefore.filter { !appended.contains($0["name"]) })
        let pegOuts: String? = try database.readNow { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'wallet_peg_outs'") }
        let pegOutsBefore: String? = schemaBefore.first { ($0["name"] as String) == "wallet_peg_outs" }?["sql"]
        #expect(pegOuts == pegOutsBefore?.replacingOccurrences(
            of: "confirmed_at INTEGER,", with: "confirmed_at INTEGER, seq INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0),"))
        #expect(try database.readNow { try Row.fetchAll($0, sql: "SELECT rowid, seq FROM wallet_peg_outs ORDER BY rowid").map { [$0[0], $0[1]] as [Int64] } }
            == [[1, 0], [2, 1]])
        #expect(Set(modules.map(\.kind.rawValue)) == Set(Self.digests.keys))
        for module in modules {
            let digest = try database.readNow { db in try db.withStorage { try module.stateDigest(db: $0) } }
            #expect(Hex.encode(digest) == Self.digests[module.kind.rawValue], "\(module.kind)")
        }
    }

    /// On an empty database, the wallet's migrations up to `4_scanned_through` (now in the portable subset, the
    /// PostgreSQL branches aside) create exactly the tables ed0b703's GRDB migrations created, to the byte.
    @Test func theWalletsReleasedMigrationsCreateTheSameSchemaAsBefore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-compat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let restored = try DatabaseQueue(path: directory.appendingPathComponent("old.sqlite").path)
        try restored.inDatabase { db in try db.execute(sql: try String(contentsOf: Self.fixture, encoding: .utf8)) }
        let wallet = { (row: Row) -> Bool in (row["name"] as String).hasPrefix("wallet_") }
        let old = try restored.read(Self.schemaObjects).filter(wallet)

        let registry = ModuleRegistry([MintServerInit(), WalletServerInit(), LightningServerInit(clock: { 0 }, voteInterval: 10)])
        let configs = try TestingDealer.generateForTesting(guardians: 1, basePort: 41_520, devMode: true, modules: registry)
        let schema = try #require(try GuardianModules.build(configs[0], registry: registry).first { $0.kind.rawValue == "wallet" }?.schema)
        let released = StorageSchema(prefix: schema.prefix, migrations: Array(schema.migrations.prefix(4)))
        #expect(released.migrations.map(\.name) == ["1_create", "2_fee_bump", "3_chain_facts", "4_scanned_through"])
        let fresh = try SQLiteDatabase(path: directory.appendingPathComponent("new.sqlite").path, schemas: [SubsystemSchema(released)])
        #expect(try fresh.readNow(Self.schemaObjects).filter(wallet) == old)
        #expect(!old.isEmpty)
    }

    /// Every table, index and trigger with its SQL: what a migration would change.
    static func schemaObjects(_ db: Database) throws -> [Row] {
        try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    }
}
