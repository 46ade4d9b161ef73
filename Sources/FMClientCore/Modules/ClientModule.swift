import FMCore
import FMDatabase
public import GRDB

/// Everything a client module gets from the client when it is opened for one federation.
public struct ClientModuleContext: Sendable {
    public let instance: ModuleInstanceID
    /// The module's client config, as served in the federation's `client_config`.
    public let config: JSONValue
    public let federation: ClientConfig
    /// This module's node of the secret tree: root / federation / module instance, derived on first use.
    public var secret: DerivableSecret { deferredSecret.value }
    private let deferredSecret: DeferredSecret
    public let database: SQLiteDatabase
    public let api: FederationAPI
    public let executor: OperationExecutor

    public init(
        instance: ModuleInstanceID, config: JSONValue, federation: ClientConfig, secret: DeferredSecret,
        database: SQLiteDatabase, api: FederationAPI, executor: OperationExecutor
    ) {
        self.instance = instance
        self.config = config
        self.federation = federation
        deferredSecret = secret
        self.database = database
        self.api = api
        self.executor = executor
    }
}

/// The client half of a module (BRIEF §1): what FMClient knows of the mint, the wallet and ln.
///
/// A module keeps its own tables in the federation's database, builds the inputs and outputs of
/// its operations, drives its operations as persisted state machines (``OperationStateMachine``)
/// and can rebuild its state from the root secret (recovery).
public protocol ClientModule: Sendable {
    static var kind: ModuleKind { get }
    /// The module's tables (prefix = its kind), migrated when the federation's database opens.
    static var schema: SubsystemSchema { get }

    /// Opens the module for one federation; fails if the module config cannot be read.
    init(context: ClientModuleContext) throws

    var instance: ModuleInstanceID { get }

    /// The operation kinds this module drives (what ``resume(_:)`` accepts).
    static var operationKinds: [OperationKind] { get }

    /// The spendable balance held in the module's tables.
    func balance(in db: Database) throws -> Amount

    /// What the unfinished operation `record` of this module is moving into or out of the wallet, if anything
    /// (read inside the same transaction as ``balance(in:)``, so nothing is counted twice).
    func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight?

    /// Drives an unfinished operation of this module to its end and returns its final record.
    func resume(_ operation: OperationRecord) async throws -> OperationRecord

    /// Rebuilds the module's state from the federation's history and the root secret, starting from this
    /// module's part of a snapshot when the request has one, and returns a short summary (e.g. restored amount).
    func recover(_ request: RecoveryRequest) async throws -> JSONValue

    /// This module's part of a wallet snapshot (``ClientSnapshot``), or `nil` when it keeps nothing worth one.
    /// Throws ``BackupError/pendingOperations(_:)`` while an operation runs (its outcome would be in neither the
    /// snapshot nor, by its position, the history scanned after it).
    func snapshot() async throws -> [UInt8]?
}

extension ClientModule {
    public func snapshot() async throws -> [UInt8]? { nil }
}

/// What a module's recovery starts from.
public struct RecoveryRequest: Sendable {
    /// The module's part of the snapshot recovery starts from (already authenticated and decrypted), if any.
    public var snapshot: [UInt8]?
    /// Called as the scan advances (fm-mint draws its progress line on stderr from it).
    public var progress: (@Sendable (RecoveryProgress) -> Void)?

    public init(snapshot: [UInt8]? = nil, progress: (@Sendable (RecoveryProgress) -> Void)? = nil) {
        self.snapshot = snapshot
        self.progress = progress
    }
}

/// How far a recovery's scan of the federation's history is.
public struct RecoveryProgress: Sendable, Equatable {
    /// History items checked so far.
    public var scanned: UInt64
    /// Items left, as one guardian estimates the end of history (not verified; for display only).
    public var remaining: UInt64?
    public var elapsed: Duration

    public init(scanned: UInt64, remaining: UInt64?, elapsed: Duration) {
        self.scanned = scanned
        self.remaining = remaining
        self.elapsed = elapsed
    }

    /// Items per second so far.
    public var itemsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(scanned) / seconds : 0
    }
}

extension ClientModule {
    /// Modules whose operations move no value of their own report nothing in flight.
    public func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight? { nil }
}
