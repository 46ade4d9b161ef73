import FMBitcoin
import FMBolt11
import FMCore
import FMDatabase
import FMSecp256k1
import Foundation
import GRDB

/// `pay`: decode the invoice, find a route, send one HTLC down it, wait for the preimage; on a routing failure,
/// leave out the channel that failed and try again while `retry_for` lasts. Each attempt is one `ln_payments` row
/// (what `listsendpays` lists); its HTLC and the balance it moves are stored in the same transaction.
extension LightningNode {
    struct PaymentRecord: Sendable {
        var id: Int64
        var paymentHash: [UInt8]
        var bolt11: String?
        var destination: NodeID
        var amountMsat: UInt64
        var amountSentMsat: UInt64
        var status: String
        var preimage: [UInt8]?
        var failure: HTLCFailure?
        var erringChannel: String?
        var createdAt: Int64
        var completedAt: Int64?

        init(_ row: Row) throws {
            id = row["id"]
            paymentHash = row["payment_hash"]
            bolt11 = row["bolt11"]
            destination = NodeID(storedBytes: row["destination"])
            amountMsat = try row.amount("amount_msat")
            amountSentMsat = try row.amount("amount_sent_msat")
            status = row["status"]
            preimage = row["preimage"]
            failure = try (row["failure"] as String?).map { try JSONConventions.decoder().decode(HTLCFailure.self, from: Data($0.utf8)) }
            erringChannel = row["erring_channel"]
            createdAt = row["created_at"]
            completedAt = row["completed_at"]
        }
    }

    /// Which attempts `listsendpays`/`listpays` (and `pay` itself) want.
    struct PaymentFilter: Sendable {
        var id: Int64?
        var bolt11: String?
        var paymentHash: [UInt8]?
        var status: String?
    }

    func payments(_ filter: PaymentFilter) throws -> [PaymentRecord] {
        var clauses: [String] = ["1"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let id = filter.id { clauses.append("id = ?"); arguments.append(id) }
        if let bolt11 = filter.bolt11 { clauses.append("bolt11 = ?"); arguments.append(bolt11) }
        if let hash = filter.paymentHash { clauses.append("payment_hash = ?"); arguments.append(hash) }
        if let status = filter.status { clauses.append("status = ?"); arguments.append(status) }
        let sql = "SELECT * FROM ln_payments WHERE \(clauses.joined(separator: " AND ")) ORDER BY id"
        return try database.readNow { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(PaymentRecord.init)
        }
    }

    /// Decodes a BOLT 11 string for `pay` and `decode` (invalid → -32602 naming the field, as CLN's `bolt11` parameter).
    static func decodeInvoice(_ text: String) throws(RPCError) -> SignedInvoice {
        do { return try SignedInvoice(text) } catch {
            throw RPCError(RPCError.invalidParams, "bolt11: \(error)")
        }
    }

    func pay(bolt11: String, amountMsat: UInt64?, maxFeeMsat: UInt64?, maxFeePercent: Double?, retryFor: UInt64) async throws(RPCError) -> PaymentRecord {
        let signed = try Self.decodeInvoice(bolt11)
        let invoice = signed.invoice
        guard invoice.network == .regtest else { throw RPCError(RPCError.invalidParams, "bolt11: Invoice is for another network \(invoice.network)") }
        let amount: UInt64
        switch (invoice.amountMsat, amountMsat) {
        case (let fixed?, nil): amount = fixed
        case (nil, let given?): amount = given
        case (nil, nil): throw RPCError(RPCError.invalidParams, "amount_msat parameter required")
        case (_?, _?): throw RPCError(RPCError.invalidParams, "amount_msat parameter unnecessary")
        }
        guard amount > 0 else { throw RPCError.invalid("amount_msat", "positive") }
        let destination = NodeID(signed.payeeNodeKey)
        let hash = invoice.paymentHash
        // A completed payment of this hash is returned again, as Core Lightning does; one in flight is an error.
        let previous = (try? payments(PaymentFilter(paymentHash: hash))) ?? []
        if let complete = previous.first(where: { $0.status == "complete" }) {
            guard complete.amountMsat == amount else {
                throw RPCError(RPCError.payRhashAlreadyUsed, "Already succeeded with amount \(complete.amountMsat)msat (not \(amount)msat)")
            }
            return complete
        }
        if previous.contains(where: { $0.status == "pending" }) {
            throw RPCError(RPCError.payInProgress, "Payment is still in progress")
        }
        if invoice.isExpired(at: Self.unixNow) { throw RPCError(RPCError.payInvoiceExpired, "Invoice expired") }
        if destination == id { throw RPCError(RPCError.payRouteNotFound, "Cannot pay an invoice of this node") }
        // maxfeepercent (a float in CLN's API) becomes parts per million; the fee itself is integer msat.
        let feePpm = UInt64(min(maxFeePercent ?? 0.5, 100) * 10_000)
        let feeLimit: UInt64
        if let maxFeeMsat { feeLimit = maxFeeMsat } else { feeLimit = try Self.checked { try checkedMultiply(amount, feePpm) / 1_000_000 } }
        let deadline = Date().addingTimeInterval(TimeInterval(retryFor))
        var excluded: Set<String> = []
        var attempts = 0
        while true {
            let finalExpiry = UInt64(clamping: blockHeight) &+ invoice.minFinalCLTVExpiry &+ 1
            let router = try Self.checked { try graph() }
            guard let hops = router.route(from: id, to: destination, amountMsat: amount, finalExpiry: finalExpiry, excluding: excluded),
                let first = hops.first
            else {
                throw RPCError(
                    RPCError.payRouteNotFound,
                    attempts == 0 ? "Ran out of routes to try: no route to \(destination) for \(amount)msat" : "Ran out of routes to try after \(attempts) attempts")
            }
            let fee = first.amountMsat &- amount
            guard fee <= max(feeLimit, 5000) else {
                throw RPCError(206, "Fee exceeds our fee budget: \(fee)msat > \(feeLimit)msat")
            }
            attempts += 1
            let onion = Onion(
                next: hops.dropFirst().map { Onion.Hop(shortChannelId: $0.shortChannelId, amountMsat: $0.amountMsat, cltvExpiry: $0.cltvExpiry) },
                paymentSecret: Hex.encode(invoice.paymentSecret), totalMsat: amount)
            let attempt: Int64?
            do {
                attempt = try startAttempt(hops: hops, amount: amount, hash: hash, bolt11: bolt11, destination: destination, onion: onion)
            } catch is AttemptRefused {
                attempt = nil
            } catch {
                throw RPCError(RPCError.lightningd, "\(error)")
            }
            guard let attempt else {
                excluded.insert(first.shortChannelId)
                continue
            }
            await deliver(to: first.node)
            let result = await waitForPayment(attempt)
            if result.status == "complete" { return result }
            let failure = result.failure
            if failure?.code == HTLCFailure.unknownPaymentDetails {
                throw RPCError(RPCError.payDestinationPermFail, "Destination said it doesn't know invoice: \(failure?.code ?? "")")
            }
            excluded.insert(failure?.erringChannel ?? first.shortChannelId)
            if Date() > deadline {
                throw RPCError(RPCError.payStoppedRetrying, "Ran out of time after \(attempts) attempts: \(failure?.message ?? "failed")")
            }
        }
    }

    /// The payment row and its first HTLC in one transaction; `nil` when our channel can no longer carry it.
    private func startAttempt(hops: [Router.Hop], amount: UInt64, hash: [UInt8], bolt11: String, destination: NodeID, onion: Onion) throws -> Int64? {
        guard let first = hops.first else { return nil }
        return try database.writeNow { db -> Int64? in
            guard let channel = try String.fetchOne(
                db, sql: "SELECT channel_id FROM ln_channels WHERE short_channel_id = ? AND peer_id = ?",
                arguments: [first.shortChannelId, first.node.bytes])
            else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO ln_payments (payment_hash, bolt11, destination, amount_msat, amount_sent_msat, status, created_at)
                    VALUES (?, ?, ?, ?, ?, 'pending', ?)
                    """,
                arguments: [
                    hash, bolt11, destination.bytes, try amount.storedInteger("amount_msat"), try first.amountMsat.storedInteger("amount_sent_msat"),
                    Self.now(),
                ])
            let paymentId = db.lastInsertedRowID
            guard try Self.offer(
                db, channel: channel, amount: first.amountMsat, paymentHash: hash, expiry: first.cltvExpiry, onion: onion, origin: nil,
                paymentId: paymentId)
            else {
                // Nothing moved: roll the payment row back with the rest.
                throw AttemptRefused()
            }
            return paymentId
        }
    }

    private struct AttemptRefused: Error {}

    /// Runs `body`, reporting any failure as lightningd's generic error (-1).
    static func checked<T>(_ body: () throws -> T) throws(RPCError) -> T {
        do { return try body() } catch let error as RPCError { throw error } catch { throw RPCError(RPCError.lightningd, "\(error)") }
    }

    /// Polls the attempt until its HTLC resolves (an HTLC in flight is never given up on: its peer decides it).
    private func waitForPayment(_ id: Int64) async -> PaymentRecord {
        while true {
            if let record = try? payments(PaymentFilter(id: id)).first, record.status != "pending" { return record }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// The graph as the router sees it: our usable channels with their balances, others with capacity.
    func graph() throws -> Router {
        let ownChannels = try database.readNow { db in
            try Row.fetchAll(
                db, sql: "SELECT short_channel_id, peer_id, to_us_msat FROM ln_channels WHERE state = ?", arguments: [ChannelState.normal])
        }
        var edges: [Router.Edge] = []
        var own: Set<String> = []
        for row in ownChannels {
            let peer = NodeID(storedBytes: row["peer_id"])
            let scid: String = row["short_channel_id"]
            own.insert(scid)
            guard isConnected(peer) else { continue }
            edges.append(
                Router.Edge(
                    shortChannelId: scid, source: id, destination: peer, limitMsat: try row.amount("to_us_msat"),
                    feeBaseMsat: 0, feePpm: 0, cltvDelta: 0))
        }
        for announcement in try graphAnnouncements() where !(announcement.source == id && own.contains(announcement.shortChannelId)) {
            edges.append(
                Router.Edge(
                    shortChannelId: announcement.shortChannelId, source: announcement.source, destination: announcement.destination,
                    limitMsat: announcement.capacitySat &* 1000, feeBaseMsat: announcement.feeBaseMsat, feePpm: announcement.feePpm,
                    cltvDelta: announcement.cltvDelta))
        }
        return Router(edges: edges)
    }
}
