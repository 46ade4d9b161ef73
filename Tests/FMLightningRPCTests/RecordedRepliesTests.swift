import FMLightningRPC
import FMTesting
import Foundation
import Testing

/// The client against Core Lightning's own recorded examples (Tests/Vectors/cln_rpc_examples.json, extracted from
/// doc/schemas/*.json at v26.06.6): every example reply decodes into the method's response type, and re-encoding
/// it gives back the same values for every field fm models.
struct RecordedRepliesTests {
    nonisolated(unsafe) static let fixture = try! Fixtures.json("cln_rpc_examples.json") as! [String: Any]
    nonisolated(unsafe) static let methods = fixture["methods"] as! [String: [[String: Any]]]

    /// Serves the recorded reply of each example in turn and checks the typed result against it.
    @Test(arguments: methods.keys.sorted())
    func recordedRepliesDecode(method: String) async throws {
        let examples = Self.methods[method]!
        #expect(!examples.isEmpty)
        for example in examples {
            let response = example["response"] as! [String: Any]
            if method == "decode", response["type"] as? String != "bolt11 invoice" { continue }  // runes: not fm's
            let reply = String(decoding: try JSONSerialization.data(withJSONObject: response), as: UTF8.self)
            let path = try temporarySocketPath()
            let server = try await FakeLightningd(socketPath: path) { _ in .result(reply) }
            let client = try LightningRPCClient(socketPath: path, timeout: .seconds(10))
            let params = example["request"].flatMap { ($0 as! [String: Any])["params"] as? [String: Any] } ?? [:]
            let typed = try await Self.call(method, params: params, client: client)
            try Self.expectSameFields(typed, as: response, method: method)
            #expect(server.requests.map(\.method) == [method])
            await client.close()
            try await server.stop()
        }
    }

    /// The request types read lightningd's own example requests (named parameters), as the regtest node's server
    /// must.
    @Test func recordedRequestsDecode() throws {
        for (method, examples) in Self.methods {
            for example in examples {
                guard let params = (example["request"] as? [String: Any])?["params"] as? [String: Any] else { continue }
                let data = try JSONSerialization.data(withJSONObject: params)
                switch method {
                case "invoice":
                    let request = try JSONDecoder().decode(InvoiceRequest.self, from: data)
                    #expect(request.amount_msat != .any)
                case "pay": _ = try JSONDecoder().decode(PayRequest.self, from: data)
                case "listinvoices": _ = try JSONDecoder().decode(ListinvoicesRequest.self, from: data)
                case "waitinvoice": _ = try JSONDecoder().decode(WaitinvoiceRequest.self, from: data)
                case "waitanyinvoice": _ = try JSONDecoder().decode(WaitanyinvoiceRequest.self, from: data)
                case "listpays": _ = try JSONDecoder().decode(ListpaysRequest.self, from: data)
                case "listsendpays": _ = try JSONDecoder().decode(ListsendpaysRequest.self, from: data)
                case "newaddr": _ = try JSONDecoder().decode(NewaddrRequest.self, from: data)
                case "connect": _ = try JSONDecoder().decode(ConnectRequest.self, from: data)
                case "fundchannel": _ = try JSONDecoder().decode(FundchannelRequest.self, from: data)
                case "listpeerchannels": _ = try JSONDecoder().decode(ListpeerchannelsRequest.self, from: data)
                default: break
                }
            }
        }
        let invoice = try JSONDecoder().decode(
            InvoiceRequest.self, from: Data(#"{"amount_msat":"50000msat","label":"l","description":"d"}"#.utf8))
        #expect(invoice.amount_msat == .msat(50_000))
        let all = try JSONDecoder().decode(
            FundchannelRequest.self, from: Data(#"{"id":"n","amount":"all","push_msat":100000}"#.utf8))
        #expect(all.amount == .all && all.push_msat == 100_000)
    }

    /// Calls `method` with a typed request built from the example's parameters where they matter.
    static func call(_ method: String, params: [String: Any], client: LightningRPCClient) async throws -> any Encodable {
        let label = params["label"] as? String ?? "label"
        let bolt11 = params["bolt11"] as? String ?? "lnbcrt1"
        switch method {
        case "getinfo": return try await client.call(GetinfoRequest())
        case "invoice":
            return try await client.call(InvoiceRequest(amount_msat: .msat(10_000), label: label, description: "d"))
        case "listinvoices": return try await client.call(ListinvoicesRequest(label: params["label"] as? String))
        case "waitinvoice": return try await client.call(WaitinvoiceRequest(label: label))
        case "waitanyinvoice": return try await client.call(WaitanyinvoiceRequest(lastpay_index: 1, timeout: 0))
        case "pay": return try await client.call(PayRequest(bolt11: bolt11, maxfeepercent: 0.5, retry_for: 60))
        case "listpays": return try await client.call(ListpaysRequest(bolt11: params["bolt11"] as? String))
        case "listsendpays": return try await client.call(ListsendpaysRequest(bolt11: params["bolt11"] as? String))
        case "decode": return try await client.call(DecodeRequest(string: "lnbcrt1"))
        case "newaddr": return try await client.call(NewaddrRequest(addresstype: params["addresstype"] as? String))
        case "listfunds": return try await client.call(ListfundsRequest())
        case "connect": return try await client.call(ConnectRequest(id: params["id"] as? String ?? "n", host: "localhost"))
        case "fundchannel": return try await client.call(FundchannelRequest(id: "n", amount: .sat(1_000_000)))
        case "listpeerchannels": return try await client.call(ListpeerchannelsRequest(id: params["id"] as? String))
        default:
            Issue.record("no typed call for \(method)")
            return GetinfoRequest()
        }
    }

    /// Every field of the typed value, re-encoded, equals the recorded one (numbers compared as decimals).
    static func expectSameFields(_ typed: any Encodable, as recorded: [String: Any], method: String) throws {
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(typed)) as! [String: Any]
        #expect(!encoded.isEmpty, "\(method): nothing decoded")
        compare(encoded, recorded, path: method)
    }

    static func compare(_ ours: Any, _ theirs: Any?, path: String) {
        switch ours {
        case let object as [String: Any]:
            guard let other = theirs as? [String: Any] else { Issue.record("\(path): not an object in the recording"); return }
            for (key, value) in object { compare(value, other[key], path: "\(path).\(key)") }
        case let array as [Any]:
            guard let other = theirs as? [Any], other.count == array.count else {
                Issue.record("\(path): array differs from the recording")
                return
            }
            for (index, value) in array.enumerated() { compare(value, other[index], path: "\(path)[\(index)]") }
        default:
            #expect("\(ours)" == "\(theirs ?? "missing")", "\(path)")
        }
    }
}
