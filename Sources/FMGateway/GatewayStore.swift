import FMCore
import FMDatabase
import FMRPC
import Foundation
import GRDB

/// The gateway's own database (`DATA_DIR/gateway.sqlite`, prefix `gw`): its payments and receives as persisted state
/// machines (one row each, every step one transaction) and its settings. The e-cash itself lives in each
/// federation's client database (`DATA_DIR/client/`).
///
/// - `gw_payments`: **safety-critical.** One row per outgoing contract (primary key: a contract is paid once). A
///   partial unique index allows one live payment (paying, claiming, done) per payment hash, so the gateway never
///   sends two Lightning payments for one invoice, whatever contracts users fund.
/// - `gw_receives`: one row per incoming contract; the payment hash is unique (one hold invoice per hash).
/// - `gw_settings`: the fees (changed by the operator).
enum GatewaySchema {
    static let schema = SubsystemSchema(prefix: "gw", migrations: [
        SchemaMigration("1_create") { db in
            try db.execute(sql: """
                CREATE TABLE gw_payments (
                    contract_id BLOB PRIMARY KEY NOT NULL CHECK (length(contract_id) = 32),
                    federation_id TEXT NOT NULL,
                    payment_hash BLOB NOT NULL CHECK (length(payment_hash) = 32),
                    contract BLOB NOT NULL,
                    invoice TEXT NOT NULL,
                    invoice_amount INTEGER NOT NULL CHECK (invoice_amount > 0),
                    max_lightning_fee INTEGER NOT NULL CHECK (max_lightning_fee >= 0),
                    state TEXT NOT NULL CHECK (state IN ('paying', 'claiming', 'done', 'cancelled', 'failed')),
                    preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
                    cancellation BLOB CHECK (cancellation IS NULL OR length(cancellation) = 64),
                    lightning_fee INTEGER,
                    pay_sent INTEGER NOT NULL DEFAULT 0,
                    failure TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX gw_payments_live_hash ON gw_payments (payment_hash)
                    WHERE state IN ('paying', 'claiming', 'done');
                CREATE TABLE gw_receives (
                    contract_id BLOB PRIMARY KEY NOT NULL CHECK (length(contract_id) = 32),
                    federation_id TEXT NOT NULL,
                    payment_hash BLOB NOT NULL UNIQUE CHECK (length(payment_hash) = 32),
                    contract BLOB NOT NULL,
                    invoice TEXT,
                    invoice_amount INTEGER NOT NULL CHECK (invoice_amount > 0),
                    invoice_expires_at INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('creating', 'open', 'funding', 'decrypting', 'settling', 'refunding', 'cancelling', 'done')),
                    outcome TEXT,
                    htlc_expiry INTEGER,
                    preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
                    shares TEXT,
                    bad_guardians TEXT,
                    failure TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE gw_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                """)
        },
        // The client address that asked for each invoice, for the per-address cap on open invoices (review 3).
        SchemaMigration("2_receive_client") { db in
            try db.execute(sql: """
                ALTER TABLE gw_receives ADD COLUMN client TEXT;
                CREATE INDEX gw_receives_open_client ON gw_receives (client, state);
                """)
        },
        // The client's network (IPv4 /24, IPv6 /48), for the per-network cap (review 4); `client` is an IPv6 /64 from now on.
        SchemaMigration("3_receive_network") { db in
            try db.execute(sql: """
                ALTER TABLE gw_receives ADD COLUMN network TEXT;
                CREATE INDEX gw_receives_open_network ON gw_receives (network, state);
                """)
        },
    ])

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// One `gw_payments` row.
struct PaymentRecord: Sendable, Equatable {
    enum State: String, Sendable { case paying, claiming, done, cancelled, failed }

    var contractID: Hash256
    var federationID: String
    var paymentHash: Hash256
    var contract: [UInt8]
    var invoice: String
    var invoiceAmount: UInt64
    var maxLightningFee: UInt64
    var state: State
    var preimage: [UInt8]?
    var cancellation: [UInt8]?
    var lightningFee: UInt64?
    /// Whether `pay` was (about to be) sent for this row: only then are failed attempts in `listpays` its own.
    var paySent = false
    var failure: String?
    var createdAt: Int64

    init(
        contractID: Hash256, federationID: String, paymentHash: Hash256, contract: [UInt8], invoice: String, invoiceAmount: UInt64,
        maxLightningFee: UInt64
    ) {
        self.contractID = contractID
        self.federationID = federationID
        self.paymentHash = paymentHash
        self.contract = contract
        self.invoice = invoice
        self.invoiceAmount = invoiceAmount
        self.maxLightningFee = maxLightningFee
        state = .paying
        createdAt = GatewaySchema.now()
    }

    init(row: Row) throws {
        (contractID, paymentHash, state, invoiceAmount) = try row.sharedColumns("gw_payments", state: State.self)
        federationID = row["federation_id"]
        contract = row.bytes("contract")
        invoice = row["invoice"]
        maxLightningFee = try UInt64(storedInteger: row["max_lightning_fee"], "max_lightning_fee")
        preimage = row.optionalBytes("preimage")
        cancellation = row.optionalBytes("cancellation")
        lightningFee = try (row["lightning_fee"] as Int64?).map { try UInt64(storedInteger: $0, "lightning_fee") }
        paySent = row["pay_sent"]
        failure = row["failure"]
        createdAt = row["created_at"]
    }

    /// Inserts a new payment; false when this contract is known already (the caller then waits for its result).
    /// - Throws: ``GatewayStoreError/invoiceInFlight`` when another contract's payment of the same hash is live.
    static func insert(_ record: PaymentRecord, in db: Database) throws -> Bool {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM gw_payments WHERE contract_id = ?", arguments: [Data(record.contractID.bytes)]) != nil {
            return false
        }
        if try Bool.fetchOne(
            db, sql: "SELECT 1 FROM gw_payments WHERE payment_hash = ? AND state IN ('paying', 'claiming', 'done')",
            arguments: [Data(record.paymentHash.bytes)]) != nil
        {
            throw GatewayStoreError.invoiceInFlight(record.paymentHash)
        }
        try db.execute(
            sql: """
                INSERT INTO gw_payments (contract_id, federation_id, payment_hash, contract, invoice, invoice_amount,
                    max_lightning_fee, state, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'paying', ?, ?)
                """,
            arguments: [
                Data(record.contractID.bytes), record.federationID, Data(record.paymentHash.bytes), Data(record.contract), record.invoice,
                try record.invoiceAmount.storedInteger("invoice_amount"), try record.maxLightningFee.storedInteger("max_lightning_fee"),
                record.createdAt, record.createdAt,
            ])
        return true
    }

    static func fetch(_ id: Hash256, in db: Database) throws -> PaymentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM gw_payments WHERE contract_id = ?", arguments: [Data(id.bytes)]).map(PaymentRecord.init(row:))
    }

    static func all(in db: Database, unfinishedOnly: Bool = false) throws -> [PaymentRecord] {
        let filter = unfinishedOnly ? "WHERE state IN ('paying', 'claiming')" : ""
        return try Row.fetchAll(db, sql: "SELECT * FROM gw_payments \(filter) ORDER BY created_at, contract_id").map(PaymentRecord.init(row:))
    }

    /// Writes this record's mutable fields back (its step's one transaction).
    func update(in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE gw_payments SET state = ?, preimage = ?, cancellation = ?, lightning_fee = ?, pay_sent = ?, failure = ?,
                    updated_at = ?
                WHERE contract_id = ?
                """,
            arguments: [
                state.rawValue, preimage.map { Data($0) }, cancellation.map { Data($0) }, try lightningFee.map { try $0.storedInteger("lightning_fee") }, paySent,
                failure,
                GatewaySchema.now(), Data(contractID.bytes),
            ])
    }
}

/// One `gw_receives` row.
struct ReceiveRecord: Sendable, Equatable {
    enum State: String, Sendable { case creating, open, funding, decrypting, settling, refunding, cancelling, done }

    var contractID: Hash256
    var federationID: String
    var paymentHash: Hash256
    var contract: [UInt8]
    var invoice: String?
    var invoiceAmount: UInt64
    var invoiceExpiresAt: UInt64
    var state: State
    /// How it ended: settled (the gateway was paid and the receiver got the contract), refunded (bad preimage: the
    /// gateway took its contract back and failed the HTLC), cancelled (the HTLC failed back before funding), expired.
    var outcome: String?
    var htlcExpiry: UInt64?
    var preimage: [UInt8]?
    /// JSON of the valid decryption shares used (peer → hex), kept for the refund.
    var shares: String?
    var badGuardians: String?
    var failure: String?
    var createdAt: Int64
    /// The client that asked for the invoice (``ClientAddress/key``; `nil` in rows from before it was recorded).
    var client: String?
    /// That client's network (``ClientAddress/network``; `nil` in rows from before it was recorded).
    var network: String?

    init(
        contractID: Hash256, federationID: String, paymentHash: Hash256, contract: [UInt8], invoiceAmount: UInt64, invoiceExpiresAt: UInt64,
        client: ClientAddress
    ) {
        self.client = client.key
        network = client.network
        self.contractID = contractID
        self.federationID = federationID
        self.paymentHash = paymentHash
        self.contract = contract
        self.invoiceAmount = invoiceAmount
        self.invoiceExpiresAt = invoiceExpiresAt
        state = .creating
        createdAt = GatewaySchema.now()
    }

    init(row: Row) throws {
        (contractID, paymentHash, state, invoiceAmount) = try row.sharedColumns("gw_receives", state: State.self)
        federationID = row["federation_id"]
        contract = row.bytes("contract")
        invoice = row["invoice"]
        invoiceExpiresAt = try UInt64(storedInteger: row["invoice_expires_at"], "invoice_expires_at")
        outcome = row["outcome"]
        htlcExpiry = try (row["htlc_expiry"] as Int64?).map { try UInt64(storedInteger: $0, "htlc_expiry") }
        preimage = row.optionalBytes("preimage")
        shares = row["shares"]
        badGuardians = row["bad_guardians"]
        failure = row["failure"]
        createdAt = row["created_at"]
        client = row["client"]
        network = row["network"]
    }

    /// At most this many receives wait for their HTLC at once (each is a hold invoice until it expires).
    static let maxOpen = 10_000

    /// Inserts a new receive. - Throws: ``GatewayStoreError/duplicateHash`` when the hash has one already,
    /// ``GatewayStoreError/tooManyOpen`` when ``maxOpen`` invoices are open,
    /// ``GatewayStoreError/tooManyOpenForClient`` when the record's client has `perClient` open,
    /// ``GatewayStoreError/tooManyOpenForNetwork`` when its network has `perNetwork` open.
    static func insert(_ record: ReceiveRecord, openPerClient perClient: Int, openPerNetwork perNetwork: Int, in db: Database) throws {
        func open(where filter: String = "", _ arguments: StatementArguments = []) throws -> Int {
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gw_receives WHERE \(filter)state IN ('creating', 'open')", arguments: arguments) ?? 0
        }
        if try open() >= maxOpen { throw GatewayStoreError.tooManyOpen }
        if try open(where: "client = ? AND ", [record.client]) >= perClient { throw GatewayStoreError.tooManyOpenForClient(perClient) }
        if try open(where: "network = ? AND ", [record.network]) >= perNetwork { throw GatewayStoreError.tooManyOpenForNetwork(perNetwork) }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM gw_receives WHERE payment_hash = ?", arguments: [Data(record.paymentHash.bytes)]) != nil {
            throw GatewayStoreError.duplicateHash(record.paymentHash)
        }
        try db.execute(
            sql: """
                INSERT INTO gw_receives (contract_id, federation_id, payment_hash, contract, invoice_amount, invoice_expires_at, state,
                    created_at, updated_at, client, network)
                VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?, ?)
                """,
            arguments: [
                Data(record.contractID.bytes), record.federationID, Data(record.paymentHash.bytes), Data(record.contract),
                try record.invoiceAmount.storedInteger("invoice_amount"), try record.invoiceExpiresAt.storedInteger("invoice_expires_at"),
                record.createdAt, record.createdAt, record.client, record.network,
            ])
    }

    static func fetch(_ id: Hash256, in db: Database) throws -> ReceiveRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM gw_receives WHERE contract_id = ?", arguments: [Data(id.bytes)]).map(ReceiveRecord.init(row:))
    }

    static func all(in db: Database, unfinishedOnly: Bool = false) throws -> [ReceiveRecord] {
        let filter = unfinishedOnly ? "WHERE state != 'done'" : ""
        return try Row.fetchAll(db, sql: "SELECT * FROM gw_receives \(filter) ORDER BY created_at, contract_id").map(ReceiveRecord.init(row:))
    }

    func update(in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE gw_receives SET invoice = ?, state = ?, outcome = ?, htlc_expiry = ?, preimage = ?, shares = ?,
                    bad_guardians = ?, failure = ?, updated_at = ?
                WHERE contract_id = ?
                """,
            arguments: [
                invoice, state.rawValue, outcome, try htlcExpiry.map { try $0.storedInteger("htlc_expiry") }, preimage.map { Data($0) }, shares,
                badGuardians, failure, GatewaySchema.now(), Data(contractID.bytes),
            ])
    }
}

/// The fees the gateway charges, kept in `gw_settings`.
struct GatewayFees: Codable, Sendable, Equatable {
    var baseFeeMsat: UInt64
    var feePpm: UInt64

    static func load(in db: Database) throws -> GatewayFees? {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM gw_settings WHERE key = 'fees'") else { return nil }
        return try JSONConventions.decode(GatewayFees.self, from: Data(text.utf8), what: "gw_settings.fees")
    }

    func store(in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO gw_settings (key, value) VALUES ('fees', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [try JSONConventions.line(self)])
    }
}

enum GatewayStoreError: Error, CustomStringConvertible {
    case corrupt(String)
    case invoiceInFlight(Hash256)
    case duplicateHash(Hash256)
    case tooManyOpen
    case tooManyOpenForClient(Int)
    case tooManyOpenForNetwork(Int)

    /// A cap on one client's (or its network's) requests: answered `rate_limited` (HTTP 429).
    var isClientLimit: Bool {
        switch self {
        case .tooManyOpenForClient, .tooManyOpenForNetwork: true
        default: false
        }
    }

    var description: String {
        switch self {
        case .corrupt(let what): "the gateway database holds a malformed \(what)"
        case .invoiceInFlight(let hash): "payment hash \(hash.hex) is being paid or was paid for another contract"
        case .duplicateHash(let hash): "payment hash \(hash.hex) has an invoice at this gateway already"
        case .tooManyOpen: "\(ReceiveRecord.maxOpen) invoices wait for payment at this gateway: try later"
        case .tooManyOpenForClient(let cap): "\(cap) invoices from this address wait for payment: try when one is paid or expired"
        case .tooManyOpenForNetwork(let cap):
            "\(cap) invoices from this address's network (IPv4 /24, IPv6 /48) wait for payment: try when one is paid or expired"
        }
    }
}

extension Row {
    /// The columns `gw_payments` and `gw_receives` share, checked: contract id, payment hash, state, invoice amount.
    func sharedColumns<State: RawRepresentable>(_ table: String, state: State.Type) throws -> (Hash256, Hash256, State, UInt64)
    where State.RawValue == String {
        guard let id = Hash256(bytes: bytes("contract_id")), let hash = Hash256(bytes: bytes("payment_hash")),
            let state = State(rawValue: self["state"])
        else { throw GatewayStoreError.corrupt("\(table) row") }
        return (id, hash, state, try UInt64(storedInteger: self["invoice_amount"], "invoice_amount"))
    }

    func bytes(_ column: String) -> [UInt8] { Array((self[column] as Data?) ?? Data()) }
    func optionalBytes(_ column: String) -> [UInt8]? { (self[column] as Data?).map { Array($0) } }
}
