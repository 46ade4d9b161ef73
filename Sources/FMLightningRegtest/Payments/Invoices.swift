import FMBitcoin
import FMBolt11
import FMCore
import FMDatabase
import Foundation
import GRDB

/// Invoices this node issues: real BOLT 11, signed by the node key, with a random (or given) preimage stored in the
/// database. A hold invoice (the holdinvoice plugin's `holdinvoice`) is the same, but its HTLCs wait for
/// `holdinvoicesettle`/`holdinvoicecancel`.
extension LightningNode {
    struct InvoiceRecord: Sendable {
        var createdIndex: Int64
        var label: String
        var paymentHash: [UInt8]
        var preimage: [UInt8]?
        var paymentSecret: [UInt8]
        var amountMsat: UInt64?
        var description: String
        var bolt11: String
        var expiresAt: UInt64
        var minFinalCltv: UInt64
        var hold: Bool
        /// unpaid, paid or expired (regular); hold invoices also go through accepted and canceled.
        var status: String
        var payIndex: Int64?
        var amountReceivedMsat: UInt64?
        var paidAt: Int64?

        init(_ row: Row, now: UInt64) throws {
            createdIndex = row["created_index"]
            label = row["label"]
            paymentHash = row["payment_hash"]
            preimage = row["preimage"]
            paymentSecret = row["payment_secret"]
            amountMsat = try row.optionalAmount("amount_msat")
            description = row["description"]
            bolt11 = row["bolt11"]
            expiresAt = try row.amount("expires_at")
            minFinalCltv = try row.amount("min_final_cltv")
            hold = row["hold"]
            status = row["status"]
            payIndex = row["pay_index"]
            amountReceivedMsat = try row.optionalAmount("amount_received_msat")
            paidAt = row["paid_at"]
            if (status == "unpaid"), now >= expiresAt { status = "expired" }
        }
    }

    static var unixNow: UInt64 { UInt64(Date().timeIntervalSince1970) }

    /// `invoice` and `holdinvoice`: the preimage is generated unless given. A hold invoice may instead be made for a
    /// payment hash alone (holdinvoice v5's `payment_hash`): its preimage comes with `holdinvoicesettle`.
    func createInvoice(
        amountMsat: UInt64?, label: String, description: String, expiry: UInt64, preimage givenPreimage: [UInt8]?,
        paymentHash givenHash: [UInt8]? = nil, hold: Bool, cltv: UInt64?
    ) throws(RPCError) -> InvoiceRecord {
        let preimage = givenHash == nil ? (givenPreimage ?? Self.randomBytes(32)) : nil
        let paymentHash = givenHash ?? sha256(preimage!)
        let secret = Self.randomBytes(32)
        let now = Self.unixNow
        let minFinal = cltv ?? Invoice.defaultMinFinalCLTVExpiryDelta
        let bolt11: String
        do {
            bolt11 = try Invoice(
                network: .regtest, amountMsat: amountMsat, timestamp: now, paymentHash: paymentHash, paymentSecret: secret,
                description: description, expiry: expiry, minFinalCLTVExpiryDelta: minFinal
            ).signed(by: key.secretKey).string
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
        do {
            return try database.writeNow { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM ln_invoices WHERE label = ?", arguments: [label]) != nil {
                    throw RPCError(RPCError.invoiceLabelAlreadyExists, "Duplicate label '\(label)'")
                }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM ln_invoices WHERE payment_hash = ?", arguments: [paymentHash]) != nil {
                    throw RPCError(RPCError.invoicePreimageAlreadyExists, "preimage already used")
                }
                try db.execute(
                    sql: """
                        INSERT INTO ln_invoices (label, payment_hash, preimage, payment_secret, amount_msat, description, bolt11,
                            expires_at, min_final_cltv, hold, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unpaid')
                        """,
                    arguments: [
                        label, paymentHash, preimage, secret, try amountMsat.map { try $0.storedInteger("amount_msat") }, description,
                        bolt11, try checkedAdd(now, expiry).storedInteger("expiry"), try minFinal.storedInteger("cltv"),
                        hold,
                    ])
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ln_invoices WHERE label = ?", arguments: [label]) else {
                    throw NodeError.corrupt("invoice \(label)")
                }
                return try InvoiceRecord(row, now: now)
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Which invoices `listinvoices`, `waitinvoice`, `waitanyinvoice` and `holdinvoicelookup` want.
    struct InvoiceFilter: Sendable {
        var label: String?
        var bolt11: String?
        var paymentHash: [UInt8]?
        var holdOnly = false
        /// `waitanyinvoice`: the first invoice paid after this pay index.
        var paidAfter: Int64?
    }

    func invoices(_ filter: InvoiceFilter) throws -> [InvoiceRecord] {
        var clauses: [String] = ["1"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let label = filter.label { clauses.append("label = ?"); arguments.append(label) }
        if let bolt11 = filter.bolt11 { clauses.append("bolt11 = ?"); arguments.append(bolt11) }
        if let hash = filter.paymentHash { clauses.append("payment_hash = ?"); arguments.append(hash) }
        if filter.holdOnly { clauses.append("hold = 1") }
        if let index = filter.paidAfter { clauses.append("pay_index > ?"); arguments.append(index) }
        let order = filter.paidAfter == nil ? "created_index" : "pay_index LIMIT 1"
        let sql = "SELECT * FROM ln_invoices WHERE \(clauses.joined(separator: " AND ")) ORDER BY \(order)"
        let now = Self.unixNow
        return try database.readNow { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { try InvoiceRecord($0, now: now) }
        }
    }

    /// An HTLC that ends here: accepted for an open invoice of ours (held, for a hold invoice), else failed back.
    func acceptFinal(_ db: Database, _ htlc: StoredHTLC, height: UInt64) throws {
        let failure = HTLCFailure(code: HTLCFailure.unknownPaymentDetails, erringChannel: nil, message: "incorrect or unknown payment details")
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ln_invoices WHERE payment_hash = ?", arguments: [htlc.paymentHash]) else {
            return try Self.failIncoming(db, htlc, failure: failure)
        }
        let invoice = try InvoiceRecord(row, now: Self.unixNow)
        let secretMatches = htlc.onion.paymentSecret.flatMap { Hex.decode($0) } == invoice.paymentSecret
        let enough = invoice.amountMsat.map { htlc.amountMsat >= $0 && htlc.amountMsat <= $0 &* 2 } ?? true
        // The final expiry must leave the invoice's min_final_cltv_expiry, less a few blocks mined while in flight.
        let expiryOK = htlc.cltvExpiry >= height &+ invoice.minFinalCltv / 2
        guard invoice.status == "unpaid", secretMatches, enough, expiryOK else { return try Self.failIncoming(db, htlc, failure: failure) }
        if invoice.hold {
            try Self.setState(db, htlc, state: HTLCState.held)
            try db.execute(sql: "UPDATE ln_invoices SET status = 'accepted' WHERE label = ?", arguments: [invoice.label])
            return
        }
        guard let preimage = invoice.preimage else { return try Self.failIncoming(db, htlc, failure: failure) }
        try Self.fulfillIncoming(db, htlc, preimage: preimage)
        try Self.markPaid(db, label: invoice.label, amount: htlc.amountMsat, preimage: preimage)
    }

    static func markPaid(_ db: Database, label: String, amount: UInt64, preimage: [UInt8]) throws {
        let payIndex = (try Int64.fetchOne(db, sql: "SELECT MAX(pay_index) FROM ln_invoices") ?? 0) + 1
        try db.execute(
            sql: "UPDATE ln_invoices SET status = 'paid', pay_index = ?, amount_received_msat = ?, paid_at = ?, preimage = ? WHERE label = ?",
            arguments: [payIndex, try amount.storedInteger("amount_received_msat"), now(), preimage, label])
    }

    /// `holdinvoicesettle`: the held HTLCs of the invoice are fulfilled with its preimage — the stored one, or for an
    /// invoice made by payment hash the `preimage` given here, which must hash to it.
    func settleHold(paymentHash: [UInt8], preimage given: [UInt8]?) async throws(RPCError) {
        if let given, sha256(given) != paymentHash {
            throw RPCError(RPCError.invalidParams, "preimage does not match the payment_hash")
        }
        let peers = try holdTransition(paymentHash: paymentHash, from: ["accepted"]) { db, invoice, held in
            guard let preimage = invoice.preimage ?? given else {
                throw RPCError(RPCError.invalidParams, "missing required parameter: preimage (the invoice was made by payment_hash)")
            }
            for htlc in held { try Self.fulfillIncoming(db, htlc, preimage: preimage) }
            let total = try held.reduce(UInt64(0)) { try checkedAdd($0, $1.amountMsat) }
            try Self.markPaid(db, label: invoice.label, amount: total, preimage: preimage)
        }
        for peer in peers { await deliver(to: peer) }
    }

    /// `holdinvoicecancel`: the held HTLCs fail back and the invoice can no longer be paid.
    func cancelHold(paymentHash: [UInt8]) async throws(RPCError) {
        let peers = try holdTransition(paymentHash: paymentHash, from: ["unpaid", "accepted"]) { db, invoice, held in
            try Self.failHeld(db, held)
            try db.execute(sql: "UPDATE ln_invoices SET status = 'canceled' WHERE label = ?", arguments: [invoice.label])
        }
        for peer in peers { await deliver(to: peer) }
    }

    static func failHeld(_ db: Database, _ held: [StoredHTLC]) throws {
        let failure = HTLCFailure(code: HTLCFailure.unknownPaymentDetails, erringChannel: nil, message: "hold invoice canceled")
        for htlc in held { try failIncoming(db, htlc, failure: failure) }
    }

    private func holdTransition(
        paymentHash: [UInt8], from states: Set<String>, _ body: (Database, InvoiceRecord, [StoredHTLC]) throws -> Void
    ) throws(RPCError) -> [NodeID] {
        do {
            return try database.writeNow { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ln_invoices WHERE payment_hash = ? AND hold = 1", arguments: [paymentHash])
                else { throw RPCError(RPCError.invalidParams, "Holdinvoice not found") }
                let invoice = try InvoiceRecord(row, now: Self.unixNow)
                guard states.contains(invoice.status) else {
                    // The plugin's message for a call in the wrong state.
                    throw RPCError(RPCError.invalidParams, "Holdinvoice is in wrong state: '\(Self.holdState(invoice.status))'")
                }
                let held = try Row.fetchAll(
                    db, sql: "SELECT * FROM ln_htlcs WHERE direction = 'in' AND state = ? AND payment_hash = ?",
                    arguments: [HTLCState.held, paymentHash]
                ).map(StoredHTLC.init)
                try body(db, invoice, held)
                return try held.compactMap { htlc in
                    try [UInt8].fetchOne(db, sql: "SELECT peer_id FROM ln_channels WHERE channel_id = ?", arguments: [htlc.channelId])
                        .map(NodeID.init(storedBytes:))
                }
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
    }

    /// The hold-invoice plugin's state names.
    static func holdState(_ status: String) -> String {
        switch status {
        case "accepted": "ACCEPTED"
        case "paid": "SETTLED"
        case "canceled", "expired": "CANCELED"
        default: "OPEN"
        }
    }

    /// Held HTLCs close to their expiry fail back (as the hold plugin does), so nothing stays held forever.
    func expireHeldHTLCs() async throws {
        let limit = UInt64(clamping: blockHeight) &+ 3
        let peers = try database.writeNow { db -> [NodeID] in
            let expiring = try Row.fetchAll(
                db, sql: "SELECT * FROM ln_htlcs WHERE direction = 'in' AND state = ? AND cltv_expiry <= ?",
                arguments: [HTLCState.held, try limit.storedInteger("height")]
            ).map(StoredHTLC.init)
            try Self.failHeld(db, expiring)
            for htlc in expiring {
                try db.execute(
                    sql: "UPDATE ln_invoices SET status = 'canceled' WHERE payment_hash = ? AND status = 'accepted'", arguments: [htlc.paymentHash])
            }
            return try expiring.compactMap { htlc in
                try [UInt8].fetchOne(db, sql: "SELECT peer_id FROM ln_channels WHERE channel_id = ?", arguments: [htlc.channelId])
                    .map(NodeID.init(storedBytes:))
            }
        }
        for peer in Set(peers) { await deliver(to: peer) }
    }
}
