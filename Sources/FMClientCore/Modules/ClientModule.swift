import FMCore
import FMDatabase
public import GRDB

/// Everything a client module gets from the client when it is opened for one federation.
public struct ClientModuleContext: Sendable {
    public let instance: ModuleInstanceID
    /// The module's client config, as served in the federation's `client_config`.
    public let config: JSONValue
    public let federation: ClientConfig
    /// This module's node of the secret tree: root / federation / module instance.
    public let secret: DerivableSecret
    public let database: SQLiteDatabase
    public let api: FederationAPI
    public let executor: OperationExecutor

    public init(
        instance: ModuleInstanceID, config: JSONValue, federation: ClientConfig, secret: DerivableSecret,
        database: SQLiteDatabase, api: FederationAPI, executor: OperationExecutor
    ) {
        self.instance = instance
        self.config = config
        self.federation = federation
        self.secret = secret
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

    /// Rebuilds the module's state from the federation's history and the root secret alone, and
    /// returns a short summary (e.g. restored amount).
    func recover() async throws -> JSONValue
}

extension ClientModule {
    /// Modules whose operations move no value of their own report nothing in flight.
    public func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight? { nil }
}
