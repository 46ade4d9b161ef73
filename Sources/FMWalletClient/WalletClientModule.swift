import FMBitcoin
import FMBitcoinRPC
import FMClientCore
import FMCore
import FMDatabase
import FMMintClient
import FMSecp256k1
import FMWalletCommon
import Foundation
public import GRDB

/// The wallet's client module (BRIEF §8): deposit addresses from per-deposit keys, and the peg-in and peg-out
/// operations as persisted state machines (``PegIn``, ``PegOutOperation``).
///
/// Deposit keys are leaves of the client's secret tree (module / "peg-in" / index), so the mnemonic alone re-derives
/// every deposit address. The wallet holds no e-cash itself: peg-ins end in notes of the mint module and peg-outs are
/// paid with them, so its operations are driven with the mint module at hand (``WalletOperations``).
public struct WalletClientModule: ClientModule {
    public static let kind = WalletKind.kind
    public static let schema = SubsystemSchema(prefix: "wallet", migrations: [
        SchemaMigration("1_deposits") { db in
            try db.execute(sql: """
                CREATE TABLE wallet_deposits (
                    derivation_index INTEGER PRIMARY KEY NOT NULL,
                    address TEXT NOT NULL UNIQUE,
                    operation_id TEXT NOT NULL
                );
                """)
        },
    ])
    public static let operationKinds: [OperationKind] = [PegIn.kind, PegOutOperation.kind]

    public let instance: ModuleInstanceID
    public let config: WalletClientConfig
    let context: ClientModuleContext

    public init(context: ClientModuleContext) throws {
        instance = context.instance
        config = try context.config.decode(WalletClientConfig.self)
        self.context = context
    }

    public var api: FederationAPI { context.api }

    /// The wallet holds no e-cash of its own.
    public func balance(in db: Database) throws -> Amount { .zero }

    /// The per-deposit key at `index`.
    public func depositKey(index: UInt64) -> Keypair { context.secret.purpose("peg-in").index(index).secp256k1Keypair() }

    /// Peg-ins and peg-outs need the mint module and, for peg-ins, a bitcoin node: they are driven through
    /// ``WalletOperations`` (fm-pegin, fm-pegout). Here they resume only with a node from the environment
    /// (`FM_BITCOIND_URL` and `FM_BITCOIND_COOKIE`) and without the mint, so this reports what to run instead.
    public func resume(_ operation: OperationRecord) async throws -> OperationRecord {
        throw WalletOperationsNeeded(kind: operation.kind)
    }

    /// The wallet holds no e-cash, so there is nothing to restore: deposit keys derive from the mnemonic, and a
    /// deposit not yet claimed is claimed with `fm-pegin claim TXID` after `fm-pegin address` re-creates its address.
    /// (Derivation indices restart at 0, so new addresses repeat earlier ones until they pass them.)
    public func recover(_ request: RecoveryRequest) async throws -> JSONValue { .object(["recovered_msat": .unsigned(0)]) }

    // MARK: - Deposits

    /// Reserves the next deposit key and records its address and peg-in operation, in one transaction.
    func newDeposit(scanFrom height: UInt64?) async throws -> (operation: OperationID, address: SegwitAddress) {
        let id = OperationID.random()
        let instance = self.instance
        let config = self.config
        let secret = context.secret
        let address = try await context.database.write { db in
            let index = try DerivationIndices.reserve(module: instance, purpose: "peg-in", in: db)
            let key = secret.purpose("peg-in").index(index).secp256k1Keypair()
            let address = try config.depositAddress(tweakKey: key.publicKey)
            try db.execute(
                sql: "INSERT INTO wallet_deposits (derivation_index, address, operation_id) VALUES (?, ?, ?)",
                arguments: [index.storedInteger("derivation_index"), address.string, id.description])
            try OperationLog.insert(
                PegIn(operation: id, derivationIndex: index, address: address.string, scanHeight: height), id: id, in: db)
            return address
        }
        return (id, address)
    }

    /// The peg-in operation whose address one of `transaction`'s outputs pays.
    func depositOperation(paidBy transaction: FMBitcoin.Transaction) async throws -> OperationID? {
        let addresses = transaction.outputs.compactMap { try? SegwitAddress(scriptPubKey: $0.scriptPubKey, network: config.network).string }
        return try await context.database.read { db in
            for address in addresses {
                if let id = try String.fetchOne(db, sql: "SELECT operation_id FROM wallet_deposits WHERE address = ?", arguments: [address]) {
                    return try OperationID(parsing: id)
                }
            }
            return nil
        }
    }
}

/// A wallet operation was resumed where the mint module or a bitcoin node is not at hand.
public struct WalletOperationsNeeded: ReportableError {
    public let kind: OperationKind
    public var category: FailureCategory { .badInput }
    public var code: String { "wallet_operation_elsewhere" }
    public var description: String {
        "\(kind) operations are driven by fm-pegin await / fm-pegout await (peg-ins need --bitcoind-url)"
    }
}
