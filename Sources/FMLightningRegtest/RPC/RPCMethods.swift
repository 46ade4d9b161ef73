import FMBitcoin
import FMBolt11
import FMCore
import Foundation

/// The Core Lightning methods fm-ln-regtest answers, with lightningd's parameter names (positional order as in
/// lightningd's `param()` tables), result fields and error codes (CLN v24.11; docs/lightning-regtest.md).
public final class LightningRPCMethods: Sendable {
    let node: LightningNode
    let onStop: @Sendable () -> Void
    let directory: String

    public init(node: LightningNode, directory: String, onStop: @escaping @Sendable () -> Void) {
        self.node = node
        self.directory = directory
        self.onStop = onStop
    }

    /// Parameter names by method, in positional order.
    static let parameters: [String: [String]] = [
        "getinfo": [], "stop": [], "newaddr": ["addresstype"], "listfunds": ["spent"],
        "connect": ["id", "host", "port"],
        "fundchannel": ["id", "amount", "feerate", "announce", "minconf", "push_msat", "close_to", "request_amt", "compact_lease", "utxos", "mindepth", "reserve"],
        "listpeerchannels": ["id"],
        "invoice": ["amount_msat", "label", "description", "expiry", "fallbacks", "preimage", "exposeprivatechannels", "cltv", "deschashonly"],
        "listinvoices": ["label", "invstring", "payment_hash", "offer_id", "index", "start", "limit"],
        "waitinvoice": ["label"], "waitanyinvoice": ["lastpay_index", "timeout"],
        "pay": ["bolt11", "amount_msat", "label", "riskfactor", "maxfeepercent", "retry_for", "maxdelay", "exemptfee", "localinvreqid", "exclude", "maxfee", "description"],
        "listsendpays": ["bolt11", "payment_hash", "status", "index", "start", "limit"],
        "listpays": ["bolt11", "payment_hash", "status"],
        "decode": ["string"],
        // daywalker90/holdinvoice: holdinvoice takes invoice's parameters (cltv required); the others a payment hash.
        // v5 adds holdinvoice's payment_hash (the preimage then comes with holdinvoicesettle) and makes label optional.
        "holdinvoice": ["amount_msat", "label", "description", "expiry", "fallbacks", "preimage", "cltv", "deschashonly", "payment_hash"],
        "holdinvoicelookup": ["payment_hash"], "holdinvoicesettle": ["payment_hash", "preimage"], "holdinvoicecancel": ["payment_hash"],
    ]

    /// One request in, one reply out (both JSON-RPC 2.0 objects as bytes).
    public func handle(request bytes: [UInt8]) async -> [UInt8] {
        var requestID: JSONValue = .null
        let outcome: Result<JSONValue, RPCError>
        do {
            guard case .object(let request) = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
                throw RPCError(-32600, "Invalid request: not an object")
            }
            requestID = request["id"] ?? .null
            guard case .string(let method)? = request["method"] else { throw RPCError(-32600, "Invalid request: no method") }
            guard let names = Self.parameters[method] else { throw RPCError(RPCError.methodNotFound, "Unknown command '\(method)'") }
            outcome = .success(try await call(method, try RPCParams(request["params"], names: names)))
        } catch let error as RPCError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(RPCError(-32700, "Parse error: \(error)"))
        }
        var reply: [String: JSONValue] = ["jsonrpc": .string("2.0"), "id": requestID]
        switch outcome {
        case .success(let result): reply["result"] = result
        case .failure(let error):
            var object: [String: JSONValue] = ["code": .integer(Int64(error.code)), "message": .string(error.message)]
            if let data = error.data { object["data"] = data }
            reply["error"] = .object(object)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(JSONValue.object(reply))) ?? Data("{}".utf8))
    }

    private func call(_ method: String, _ params: RPCParams) async throws(RPCError) -> JSONValue {
        do {
            switch method {
            case "getinfo": return try await node.getInfo(directory: directory)
            case "stop":
                onStop()
                return .string("Shutdown complete")
            case "newaddr":
                if let type = try params.string("addresstype"), type != "bech32", type != "all" {
                    throw RPCError.invalid("addresstype", "bech32 (this node has no p2tr wallet)")
                }
                return .object(["bech32": .string(try await node.newAddress())])
            case "listfunds": return try await node.listFunds()
            case "connect": return try await connect(params)
            case "fundchannel":
                guard let peer = NodeID(hex: try params.required("id")) else { throw RPCError.invalid("id", "a node id") }
                guard let amount = try params.sat("amount") else { throw RPCError(RPCError.invalidParams, "missing required parameter: amount") }
                let funded = try await node.fundChannel(with: peer, amountSat: amount)
                return .object([
                    "tx": .string(Hex.encode(funded.transaction.serialized())), "txid": .string(funded.transaction.txid.displayHex),
                    "outnum": .unsigned(UInt64(funded.outputIndex)), "channel_id": .string(funded.channelId),
                ])
            case "listpeerchannels":
                var peer: NodeID?
                if let text = try params.string("id") {
                    guard let id = NodeID(hex: text) else { throw RPCError.invalid("id", "a node id") }
                    peer = id
                }
                return try await node.listPeerChannels(peer: peer)
            case "invoice", "holdinvoice": return try await invoice(params, hold: method == "holdinvoice")
            case "listinvoices": return try await listInvoices(params)
            case "waitinvoice": return try await waitInvoice(label: try params.required("label"))
            case "waitanyinvoice": return try await waitAnyInvoice(after: try params.unsigned("lastpay_index") ?? 0, timeout: try params.unsigned("timeout"))
            case "pay": return try await pay(params)
            case "listsendpays": return .object(["payments": .array(try await payments(params).map(Self.sendpayJSON))])
            case "listpays": return .object(["pays": .array(try await payments(params).map(Self.payJSON))])
            case "decode": return try Self.decodeJSON(try params.required("string"))
            case "holdinvoicelookup": return try await holdLookup(try requiredHash(params, "payment_hash"))
            case "holdinvoicesettle":
                try await node.settleHold(paymentHash: try requiredHash(params, "payment_hash"), preimage: try params.hash("preimage"))
                return .object(["state": .string("SETTLED")])
            case "holdinvoicecancel":
                try await node.cancelHold(paymentHash: try requiredHash(params, "payment_hash"))
                return .object(["state": .string("CANCELED")])
            default: throw RPCError(RPCError.methodNotFound, "Unknown command '\(method)'")
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
    }

    private func requiredHash(_ params: RPCParams, _ name: String) throws(RPCError) -> [UInt8] {
        guard let hash = try params.hash(name) else { throw RPCError(RPCError.invalidParams, "missing required parameter: \(name)") }
        return hash
    }

    private func connect(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        var text = try params.required("id")
        var host = try params.string("host")
        var port = try params.unsigned("port").map(Int.init)
        if let at = text.firstIndex(of: "@") {
            let address = text[text.index(after: at)...]
            text = String(text[..<at])
            if let colon = address.lastIndex(of: ":") {
                host = String(address[..<colon])
                guard let parsed = Int(address[address.index(after: colon)...]), (1...65535).contains(parsed) else {
                    throw RPCError.invalid("id", "id@host:port with a port from 1 to 65535")
                }
                port = parsed
            } else {
                host = String(address)
            }
        }
        guard let peer = NodeID(hex: text) else { throw RPCError.invalid("id", "a node id (66 hex digits)") }
        if host == nil, await node.isConnected(peer) {
            return .object(["id": .string(peer.hex), "features": .string(""), "direction": .string("out")])
        }
        guard let host else { throw RPCError(RPCError.connectNoKnownAddress, "Unable to connect, no address known for peer") }
        let resolvedPort = port ?? 9735
        try await node.connect(to: peer, host: host, port: resolvedPort)
        return .object([
            "id": .string(peer.hex), "features": .string(""), "direction": .string("out"),
            "address": .object(["type": .string("ipv4"), "address": .string(host), "port": .unsigned(UInt64(resolvedPort))]),
        ])
    }

    // MARK: Invoices

    private func invoice(_ params: RPCParams, hold: Bool) async throws(RPCError) -> JSONValue {
        guard params.has("amount_msat") else { throw RPCError(RPCError.invalidParams, "missing required parameter: amount_msat") }
        let amount = try params.msat("amount_msat", allowAny: true)
        if amount == 0 { throw RPCError.invalid("amount_msat", "greater than zero") }
        let description = try params.required("description")
        let expiry = try params.unsigned("expiry") ?? 604_800
        guard expiry > 0, expiry < 1 << 32 else { throw RPCError.invalid("expiry", "a number of seconds below 2^32") }
        let cltv = try params.unsigned("cltv")
        if let cltv, cltv == 0 || cltv > 2016 { throw RPCError.invalid("cltv", "between 1 and 2016 blocks") }
        if hold, cltv == nil { throw RPCError(RPCError.invalidParams, "missing required parameter: cltv") }
        let paymentHash = hold ? try params.hash("payment_hash") : nil
        let preimage = try params.hash("preimage")
        if paymentHash != nil, preimage != nil { throw RPCError.invalid("payment_hash", "absent when a preimage is given") }
        // holdinvoice v5 has no label: one derived from the hash keeps labels unique.
        let label = try params.string("label") ?? (hold ? paymentHash.map { "holdinvoice-" + Hex.encode($0) } : nil)
        guard let label else { throw RPCError(RPCError.invalidParams, "missing required parameter: label") }
        let record = try await node.createInvoice(
            amountMsat: amount, label: label, description: description, expiry: expiry, preimage: preimage,
            paymentHash: paymentHash, hold: hold, cltv: cltv)
        return .object([
            "bolt11": .string(record.bolt11), "payment_hash": .string(Hex.encode(record.paymentHash)),
            "payment_secret": .string(Hex.encode(record.paymentSecret)), "expires_at": .unsigned(record.expiresAt),
            "created_index": .integer(record.createdIndex),
        ])
    }

    static func invoiceJSON(_ invoice: LightningNode.InvoiceRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "label": .string(invoice.label), "bolt11": .string(invoice.bolt11), "payment_hash": .string(Hex.encode(invoice.paymentHash)),
            "status": .string(invoice.hold ? (invoice.status == "paid" ? "paid" : invoice.status == "expired" ? "expired" : "unpaid") : invoice.status),
            "expires_at": .unsigned(invoice.expiresAt), "description": .string(invoice.description),
            "created_index": .integer(invoice.createdIndex),
        ]
        if let amount = invoice.amountMsat { object["amount_msat"] = .unsigned(amount) }
        if invoice.status == "paid" {
            if let index = invoice.payIndex { object["pay_index"] = .integer(index) }
            if let received = invoice.amountReceivedMsat { object["amount_received_msat"] = .unsigned(received) }
            if let paidAt = invoice.paidAt { object["paid_at"] = .integer(paidAt) }
            if let preimage = invoice.preimage { object["payment_preimage"] = .string(Hex.encode(preimage)) }
        }
        return .object(object)
    }

    private func listInvoices(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        let filter = LightningNode.InvoiceFilter(
            label: try params.string("label"), bolt11: try params.string("invstring"), paymentHash: try params.hash("payment_hash"))
        let found: [LightningNode.InvoiceRecord]
        do { found = try await node.invoices(filter) } catch { throw RPCError(RPCError.lightningd, "\(error)") }
        return .object(["invoices": .array(found.map(Self.invoiceJSON))])
    }

    private func waitInvoice(label: String) async throws(RPCError) -> JSONValue {
        while true {
            guard let invoice = try? await node.invoices(.init(label: label)).first else {
                throw RPCError(RPCError.lightningd, "Label not found")
            }
            switch invoice.status {
            case "paid": return Self.invoiceJSON(invoice)
            case "expired", "canceled": throw RPCError(RPCError.invoiceExpiredDuringWait, "invoice expired during wait", data: Self.invoiceJSON(invoice))
            default: try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    private func waitAnyInvoice(after index: UInt64, timeout: UInt64?) async throws(RPCError) -> JSONValue {
        let deadline = timeout.map { Date().addingTimeInterval(TimeInterval($0)) }
        let stored = Int64(clamping: index)
        while true {
            if let invoice = try? await node.invoices(.init(paidAfter: stored)).first {
                return Self.invoiceJSON(invoice)
            }
            if let deadline, Date() >= deadline { throw RPCError(RPCError.invoiceWaitTimedOut, "Timed out") }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    private func holdLookup(_ hash: [UInt8]) async throws(RPCError) -> JSONValue {
        guard let invoice = try? await node.invoices(.init(paymentHash: hash, holdOnly: true)).first else {
            throw RPCError(RPCError.invalidParams, "Holdinvoice not found")
        }
        var object: [String: JSONValue] = ["state": .string(LightningNode.holdState(invoice.status))]
        if invoice.status == "accepted", let expiry = await node.heldExpiry(hash) { object["htlc_expiry"] = .unsigned(expiry) }
        return .object(object)
    }

    // MARK: Payments

    private func pay(_ params: RPCParams) async throws(RPCError) -> JSONValue {
        let bolt11 = try params.required("bolt11")
        let record = try await node.pay(
            bolt11: bolt11, amountMsat: try params.msat("amount_msat"), maxFeeMsat: try params.msat("maxfee"),
            maxFeePercent: try params.double("maxfeepercent"), retryFor: try params.unsigned("retry_for") ?? 60)
        var object: [String: JSONValue] = [
            "destination": .string(record.destination.hex), "payment_hash": .string(Hex.encode(record.paymentHash)),
            "created_at": .integer(record.createdAt), "parts": .unsigned(1), "amount_msat": .unsigned(record.amountMsat),
            "amount_sent_msat": .unsigned(record.amountSentMsat), "status": .string(record.status),
        ]
        if let preimage = record.preimage { object["payment_preimage"] = .string(Hex.encode(preimage)) }
        return .object(object)
    }

    private func payments(_ params: RPCParams) async throws(RPCError) -> [LightningNode.PaymentRecord] {
        let status = try params.string("status")
        if let status, !["pending", "complete", "failed"].contains(status) { throw RPCError.invalid("status", "pending, complete or failed") }
        let filter = LightningNode.PaymentFilter(bolt11: try params.string("bolt11"), paymentHash: try params.hash("payment_hash"), status: status)
        do { return try await node.payments(filter) } catch { throw RPCError(RPCError.lightningd, "\(error)") }
    }

    static func sendpayJSON(_ payment: LightningNode.PaymentRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "created_index": .integer(payment.id), "id": .integer(payment.id), "groupid": .integer(payment.id), "partid": .integer(0),
            "payment_hash": .string(Hex.encode(payment.paymentHash)), "destination": .string(payment.destination.hex),
            "amount_msat": .unsigned(payment.amountMsat), "amount_sent_msat": .unsigned(payment.amountSentMsat),
            "created_at": .integer(payment.createdAt), "status": .string(payment.status),
        ]
        if let bolt11 = payment.bolt11 { object["bolt11"] = .string(bolt11) }
        if let preimage = payment.preimage { object["payment_preimage"] = .string(Hex.encode(preimage)) }
        if let completed = payment.completedAt { object["completed_at"] = .integer(completed) }
        if let failure = payment.failure { object["erroronion"] = .string(failure.code) }
        return .object(object)
    }

    static func payJSON(_ payment: LightningNode.PaymentRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "payment_hash": .string(Hex.encode(payment.paymentHash)), "status": .string(payment.status),
            "destination": .string(payment.destination.hex), "created_at": .integer(payment.createdAt),
            "amount_msat": .unsigned(payment.amountMsat), "amount_sent_msat": .unsigned(payment.amountSentMsat),
            "number_of_parts": .unsigned(1),
        ]
        if let bolt11 = payment.bolt11 { object["bolt11"] = .string(bolt11) }
        if let preimage = payment.preimage { object["preimage"] = .string(Hex.encode(preimage)) }
        if let completed = payment.completedAt { object["completed_at"] = .integer(completed) }
        return .object(object)
    }

    /// `decode` of a BOLT 11 string, with lightningd's field names.
    static func decodeJSON(_ text: String) throws(RPCError) -> JSONValue {
        let signed: SignedInvoice
        do { signed = try SignedInvoice(text) } catch {
            throw RPCError(RPCError.invalidParams, "string: \(error)")
        }
        let invoice = signed.invoice
        var object: [String: JSONValue] = [
            "type": .string("bolt11 invoice"), "valid": .bool(true), "currency": .string(invoice.network.currencyPrefix),
            "created_at": .unsigned(invoice.timestamp), "expiry": .unsigned(invoice.expirySeconds),
            "payee": .string(Hex.encode(signed.payeeNodeKey.compressed)), "payment_hash": .string(Hex.encode(invoice.paymentHash)),
            "payment_secret": .string(Hex.encode(invoice.paymentSecret)), "min_final_cltv_expiry": .unsigned(invoice.minFinalCLTVExpiry),
            "signature": .string(Hex.encode(signed.signature.signature.derRepresentation)),
        ]
        if let amount = invoice.amountMsat { object["amount_msat"] = .unsigned(amount) }
        if let description = invoice.description { object["description"] = .string(description) }
        if let hash = invoice.descriptionHash { object["description_hash"] = .string(Hex.encode(hash)) }
        return .object(object)
    }
}
