import FMClientCore
import FMCore
import FMDatabase
import FMLightningClient
import Foundation
import GRDB

/// A client of one federation: its database, its guardians, its modules and its operations.
///
/// Open it with ``join(invite:directory:modules:join:)`` once, then ``open(_:directory:modules:transport:)``
/// in every later command.
public final class FederationClient: Sendable {
    public let config: ClientConfig
    public let database: SQLiteDatabase
    public let api: FederationAPI
    public let operations: OperationLog
    public let executor: OperationExecutor
    /// The opened modules, in instance order (instances whose kind this client does not know are skipped).
    public let modules: [any ClientModule]
    /// The root of the secret tree (from the mnemonic's seed) and the federation's node, derived when a key is
    /// first needed.
    private let rootSecret: DeferredSecret
    private let federationSecret: DeferredSecret

    /// The keys of this client's snapshot at the guardians (``BackupKeys``).
    public var backupKeys: BackupKeys { BackupKeys(federationSecret: federationSecret.value) }

    /// Whether this process has derived the wallet's seed (a command that uses no key does not).
    public var seedDerived: Bool { rootSecret.isDerived }

    private init(
        config: ClientConfig, database: SQLiteDatabase, rootSecret: DeferredSecret, transport: any GuardianTransport,
        modules registry: [any ClientModule.Type]
    ) throws {
        self.config = config
        self.database = database
        api = FederationAPI(config: config, transport: transport)
        operations = OperationLog(database: database)
        executor = OperationExecutor(log: operations)
        let federationSecret = DeferredSecret { [federationId = config.federationId] in rootSecret.value.federation(federationId) }
        self.rootSecret = rootSecret
        self.federationSecret = federationSecret
        var opened: [any ClientModule] = []
        for module in config.modules.sorted(by: { $0.instance < $1.instance }) {
            guard let type = registry.first(where: { $0.kind == module.kind }) else { continue }
            let instance = module.instance
            let context = ClientModuleContext(
                instance: instance, config: module.config, federation: config,
                secret: DeferredSecret { federationSecret.value.module(instance) }, database: database, api: api,
                executor: executor)
            opened.append(try type.init(context: context))
        }
        modules = opened
    }

    /// Joins the federation of `invite`: fetches its config from t guardians, creates the mnemonic
    /// if the directory has none, and creates the federation's database.
    public static func join(
        invite: InviteCode, directory: ClientDirectory, modules: [any ClientModule.Type],
        join: FederationJoin = FederationJoin()
    ) async throws -> FederationClient {
        let path = directory.databasePath(for: invite.federationId)
        guard !FileManager.default.fileExists(atPath: path) else { throw JoinError.alreadyJoined(invite.federationId) }
        let config = try await join.fetchConfig(invite: invite)
        try directory.prepare()
        let (mnemonic, _) = try directory.loadOrCreateMnemonic()
        let root = DerivableSecret(seed: mnemonic.seed())
        let database = try SQLiteDatabase(path: path, schemas: schemas(modules))
        let configText = try JSONConventions.line(config)
        try database.writeNow { db in
            try db.execute(
                sql: """
                    INSERT INTO client_federation (id, federation_id, config, secret_fingerprint, mnemonic_check, joined_at)
                    VALUES (1, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    config.federationId.description, configText, root.federation(config.federationId).fingerprint.hex,
                    mnemonic.check(for: config.federationId).hex, OperationLog.timestamp(Date()),
                ])
        }
        let urls = Dictionary(uniqueKeysWithValues: config.peers.map { ($0.peerId, $0.apiUrl) })
        return try FederationClient(
            config: config, database: database, rootSecret: DeferredSecret(root),
            transport: join.connect(urls), modules: modules)
    }

    /// Opens an already joined federation. `transport` defaults to JSON-RPC to the guardians' API URLs.
    public static func open(
        _ federation: FederationID, directory: ClientDirectory, modules: [any ClientModule.Type],
        transport: (any GuardianTransport)? = nil
    ) throws -> FederationClient {
        let path = directory.databasePath(for: federation)
        guard FileManager.default.fileExists(atPath: path) else { throw ClientDirectoryError.notJoined(directory.path) }
        guard let mnemonic = try directory.loadMnemonic() else { throw ClientDirectoryError.noMnemonic(directory.mnemonicPath) }
        let root = DeferredSecret { DerivableSecret(seed: mnemonic.seed()) }
        let database = try SQLiteDatabase(path: path, schemas: schemas(modules))
        let stored = try database.readNow { db in
            try Row.fetchOne(db, sql: "SELECT config, secret_fingerprint, mnemonic_check FROM client_federation WHERE id = 1")
        }
        guard let stored else { throw ClientDirectoryError.notJoined(directory.path) }
        let joined = try JSONConventions.decode(ClientConfig.self, from: Data((stored["config"] as String).utf8), what: "config")
        let check = mnemonic.check(for: federation).hex
        if let storedCheck = stored["mnemonic_check"] as String? {
            guard storedCheck == check else { throw ClientDirectoryError.mnemonicMismatch(federation) }
        } else {
            // Joined before the check was stored: the secret fingerprint (which needs the seed), once.
            guard root.value.federation(federation).fingerprint.hex == stored["secret_fingerprint"] as String else {
                throw ClientDirectoryError.mnemonicMismatch(federation)
            }
            try database.writeNow { db in
                try db.execute(sql: "UPDATE client_federation SET mnemonic_check = ? WHERE id = 1", arguments: [check])
            }
        }
        // Guardians that moved (signed announcements learned earlier) are tried at their new URL first.
        let (config, urls) = AnnouncedURLs.apply(try database.readNow { try AnnouncedURLs.stored($0) }, to: joined)
        let announced = AnnouncedURLs(config: joined, database: database)
        let learn: JSONRPCGuardianTransport.LearnURLs = { candidates in (try? await announced.accept(candidates)) ?? [:] }
        return try FederationClient(
            config: config, database: database, rootSecret: root,
            transport: transport ?? JSONRPCGuardianTransport(apiURLs: urls, learnURLs: learn), modules: modules)
    }

    static func schemas(_ modules: [any ClientModule.Type]) -> [SubsystemSchema] {
        [ClientSchema.schema, ClientMetaSchema.schema, AnnouncedURLsSchema.schema] + modules.map { $0.schema }
    }

    /// The first opened module of type `Module`.
    public func module<Module: ClientModule>(_ type: Module.Type) -> Module? {
        modules.lazy.compactMap { $0 as? Module }.first
    }

    /// The total spendable balance over all modules.
    public func balance() async throws -> Amount {
        let modules = self.modules
        return try await database.read { db in
            try Amount.sum(modules.map { try $0.balance(in: db) })
        }
    }

    /// The spendable balance and what unfinished operations move in or out, read in one transaction so that an
    /// operation finishing meanwhile is counted either as pending or as spendable, never as both or neither.
    public func balanceSheet() async throws -> (spendable: Amount, inFlight: [InFlight]) {
        let modules = self.modules
        return try await database.read { db in
            let spendable = try Amount.sum(modules.map { try $0.balance(in: db) })
            let inFlight = try OperationLog.running(in: db).compactMap { record in
                try modules.first { type(of: $0).operationKinds.contains(record.kind) }?.inFlight(record, in: db)
            }
            return (spendable, inFlight)
        }
    }

    /// Drives operation `id` to its end (resuming it wherever a previous process left it).
    public func awaitOperation(_ id: OperationID) async throws -> OperationRecord {
        guard let record = try await operations.record(id) else { throw OperationError.unknown(id) }
        guard record.status == .running else { return record }
        guard let module = modules.first(where: { type(of: $0).operationKinds.contains(record.kind) }) else {
            throw OperationError.unsupportedKind(record.kind)
        }
        return try await module.resume(record)
    }

    /// Resumes every unfinished operation (what each command does first), returning their records
    /// and, for those that could not finish now, why.
    public func resumeUnfinished() async throws -> [(id: OperationID, outcome: Result<OperationRecord, any Error>)] {
        var outcomes: [(OperationID, Result<OperationRecord, any Error>)] = []
        for record in try await operations.running() where !LightningClientModule.operationKinds.contains(record.kind) {
            do { outcomes.append((record.id, .success(try await awaitOperation(record.id)))) }
            catch { outcomes.append((record.id, .failure(error))) }
        }
        // Lightning operations may wait for hours (a timelock): moved on only as far as they go without waiting, and a
        // gateway that does not answer within seconds is asked again by a later command.
        if let lightning = try? lightningOperations(gateway: HTTPGatewayConnection(timeout: .seconds(5))) {
            outcomes += try await lightning.resumeAll()
        }
        return outcomes
    }
}
