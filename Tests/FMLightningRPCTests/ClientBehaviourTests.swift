import FMLightningRPC
import FMTesting
import Foundation
import Testing

/// Errors, timeouts and reconnection against the fake socket server.
struct ClientBehaviourTests {
    static let payReply = #"{"destination":"02aa","payment_hash":"ab","created_at":1738000000.25,"parts":1,"amount_msat":50000,"amount_sent_msat":50001,"payment_preimage":"cd","status":"complete"}"#

    /// Core Lightning's pay errors (doc/schemas/pay.json) reach the caller with their code and data.
    @Test(arguments: [
        (201, CLNErrorCode.payRhashAlreadyUsed), (205, .payRouteNotFound), (206, .payRouteTooExpensive),
        (207, .payInvoiceExpired), (210, .payStoppedRetrying), (203, .payDestinationPermFail),
    ])
    func payErrorsAreTyped(code: Int, expected: CLNErrorCode) async throws {
        let path = try temporarySocketPath()
        let server = try await FakeLightningd(socketPath: path) { _ in
            .error(code: code, message: "recorded failure", data: #"{"now":1738000100,"expiry":1738000000}"#)
        }
        let client = try LightningRPCClient(socketPath: path)
        let error = try await #require(throws: LightningRPCError.self) {
            try await client.call(PayRequest(bolt11: "lnbcrt1", maxfee: 1_000))
        }
        #expect(error.clnCode == expected)
        guard case .server(let method, let gotCode, let message, let data) = error else {
            Issue.record("not a server error: \(error)")
            return
        }
        #expect(method == "pay" && gotCode == code && message == "recorded failure")
        #expect(data == .object(["now": .integer(1_738_000_100), "expiry": .integer(1_738_000_000)]))
        #expect("\(error)".contains("\(code) \(expected)"))
        try await server.stop()
    }

    /// The request on the wire is JSON-RPC 2.0 with named parameters and CLN's field names; unset options are
    /// omitted (lightningd applies its defaults).
    @Test func requestsUseClnFieldNames() async throws {
        let path = try temporarySocketPath()
        let server = try await FakeLightningd(socketPath: path) { _ in .result(Self.payReply) }
        let client = try LightningRPCClient(socketPath: path)
        let paid = try await client.call(PayRequest(bolt11: "lnbcrt1x", maxfeepercent: Decimal(string: "0.5"), retry_for: 30))
        #expect(paid.payment_preimage == "cd" && paid.fee_msat == 1 && paid.status == .complete)
        let request = try #require(server.requests.first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.json)) as? [String: Any])
        #expect(json["jsonrpc"] as? String == "2.0")
        #expect(json["method"] as? String == "pay")
        #expect((json["id"] as? String)?.hasPrefix("fm:pay#") == true)
        let params = try #require(json["params"] as? [String: Any])
        #expect(Set(params.keys) == ["bolt11", "maxfeepercent", "retry_for"])
        #expect("\(params["maxfeepercent"]!)" == "0.5")
        try await server.stop()
    }

    @Test func timeoutLeavesTheConnectionUsable() async throws {
        let path = try temporarySocketPath()
        let server = try await FakeLightningd(socketPath: path) { request in
            request.method == "waitanyinvoice" ? .silence : .result(Self.payReply)
        }
        let client = try LightningRPCClient(socketPath: path)
        let started = ContinuousClock.now
        await #expect(throws: LightningRPCError.timeout(method: "waitanyinvoice", seconds: 0.3)) {
            try await client.call(WaitanyinvoiceRequest(), timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        let paid = try await client.call(PayRequest(bolt11: "lnbcrt1"))
        #expect(paid.amount_msat == 50_000)
        try await server.stop()
    }

    /// A node that stops fails the waiting call; once it is back on the same socket, the same client works again.
    @Test func reconnectsToARestartedNode() async throws {
        let path = try temporarySocketPath()
        var server = try await FakeLightningd(socketPath: path) { request in
            request.method == "pay" ? .hangUp : .result(Self.payReply)
        }
        let client = try LightningRPCClient(socketPath: path)
        await #expect(throws: LightningRPCError.connectionLost(method: "pay")) {
            try await client.call(PayRequest(bolt11: "lnbcrt1"))
        }
        try await server.stop()
        try? FileManager.default.removeItem(atPath: path)
        let error = try await #require(throws: LightningRPCError.self) { try await client.call(ListpaysRequest()) }
        guard case .cannotConnect(let socket, _) = error else {
            Issue.record("expected cannotConnect, got \(error)")
            return
        }
        #expect(socket == path)
        server = try await FakeLightningd(socketPath: path) { _ in .result(#"{"pays":[]}"#) }
        #expect(try await client.call(ListpaysRequest()).pays.isEmpty)
        try await server.stop()
    }

    @Test func badAnswersAreTyped() async throws {
        let path = try temporarySocketPath()
        let server = try await FakeLightningd(socketPath: path) { request in
            switch request.method {
            case "getinfo": .result(#"{"id":"02aa"}"#)
            case "listpays": .result(#"{"pays":[{"payment_hash":"ab","status":"teleported","created_at":1}]}"#)
            default: .result("null")
            }
        }
        let client = try LightningRPCClient(socketPath: path)
        let missing = try await #require(throws: LightningRPCError.self) { try await client.call(GetinfoRequest()) }
        guard case .invalidResponse("getinfo", let reason) = missing else { Issue.record("\(missing)"); return }
        #expect(reason.contains("missing field result.color"))
        await #expect(throws: LightningRPCError.self) { try await client.call(ListpaysRequest()) }
        await #expect(throws: LightningRPCError.invalidResponse(method: "newaddr", reason: "neither result nor error")) {
            try await client.call(NewaddrRequest())
        }
        try await server.stop()
    }

    @Test func badSocketPaths() async throws {
        #expect(throws: LightningRPCError.invalidSocketPath("")) { try LightningRPCClient(socketPath: "") }
        let long = "/tmp/" + String(repeating: "x", count: 120)
        #expect(throws: LightningRPCError.invalidSocketPath(long)) { try LightningRPCClient(socketPath: long) }
        let client = try LightningRPCClient(socketPath: "/tmp/fm-no-such-dir/lightning-rpc")
        let error = try await #require(throws: LightningRPCError.self) { try await client.call(GetinfoRequest()) }
        guard case .cannotConnect("/tmp/fm-no-such-dir/lightning-rpc", _) = error else { Issue.record("\(error)"); return }
        #expect("\(error)".hasPrefix("lightning-rpc socket /tmp/fm-no-such-dir/lightning-rpc: cannot connect"))
    }

    /// The hold-invoice methods of daywalker90/holdinvoice, with the replies its own tests assert.
    @Test func holdInvoiceMethods() async throws {
        let path = try temporarySocketPath()
        let server = try await FakeLightningd(socketPath: path) { request in
            switch request.method {
            case "holdinvoice":
                .result(#"{"bolt11":"lnbcrt1","payment_hash":"ab","payment_secret":"cd","expires_at":1739000000,"created_index":1}"#)
            case "holdinvoicelookup": .result(#"{"state":"ACCEPTED","htlc_expiry":230}"#)
            case "holdinvoicesettle": .result(#"{"state":"SETTLED"}"#)
            default: .error(code: -32602, message: "Holdinvoice is in wrong state: 'SETTLED'", data: nil)
            }
        }
        let client = try LightningRPCClient(socketPath: path)
        let invoice = try await client.call(
            HoldinvoiceRequest(amount_msat: 1_000_000, label: "l", description: "d", cltv: 144))
        #expect(invoice.payment_hash == "ab")
        let lookup = try await client.call(HoldinvoicelookupRequest(payment_hash: "ab"))
        #expect(lookup == HoldinvoicelookupResponse(state: .ACCEPTED, htlc_expiry: 230))
        #expect(try await client.call(HoldinvoicesettleRequest(payment_hash: "ab")).state == .SETTLED)
        let error = try await #require(throws: LightningRPCError.self) {
            try await client.call(HoldinvoicecancelRequest(payment_hash: "ab"))
        }
        #expect(error.clnCode == .invalidParams)
        let sent = try JSONSerialization.jsonObject(with: Data(server.requests[0].json)) as? [String: Any]
        let params = try #require(sent?["params"] as? [String: Any])
        #expect(Set(params.keys) == ["amount_msat", "label", "description", "cltv"])
        try await server.stop()
    }
}
