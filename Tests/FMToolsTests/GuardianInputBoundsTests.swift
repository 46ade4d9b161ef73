import FMTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// One unauthenticated request with an extreme number must never kill a guardian (issue 24 items 1 and 3): each is
/// refused as invalid params naming the field, and the guardian keeps serving.
@Suite(.serialized) struct GuardianInputBoundsTests {
    @Test("peg_out_fees with fee_rate 10^18 and await_output_outcome with out_index 2^63 are refused; fm-node keeps serving")
    func extremeNumbersInRequestsAreRefused() async throws {
        let federation = try EcashFederation(basePort: 18050, peers: 1)
        defer { federation.stop() }
        let url = federation.rpcURL(0)
        func post(_ body: String) async throws -> [String: Any] {
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.timeoutInterval = 20
            let (data, _) = try await URLSession.shared.data(for: request)
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
        func error(_ json: [String: Any]) -> (code: Int?, field: String?) {
            let error = json["error"] as? [String: Any]
            return (error?["code"] as? Int, (error?["data"] as? [String: Any])?["field"] as? String)
        }

        // Before: "arithmetic overflow" in PegOutPlan.fee (SIGILL), no e-cash or funds needed.
        let fees = try await post(#"""
            {"jsonrpc":"2.0","id":1,"method":"wallet/peg_out_fees","params":{"address":"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080","amount_sats":10000,"fee_rate":1000000000000000000}}
            """#)
        #expect(error(fees).code == -32602, "\(fees)")
        #expect(error(fees).field == "params.fee_rate")

        // Before: "Not enough bits to represent the passed value" (Int64(outIndex) in WalletStore.pegOutTxid).
        let outcome = try await post(#"""
            {"jsonrpc":"2.0","id":2,"method":"await_output_outcome","params":{"out_point":{"txid":"0000000000000000000000000000000000000000000000000000000000000000","out_index":9223372036854775808}}}
            """#)
        #expect(error(outcome).code == -32602, "\(outcome)")
        #expect(error(outcome).field == "params.out_point.out_index")

        // A quote at the maximum fee rate is answered (the federation holds no bitcoin: insufficient funds, not a crash).
        let maximum = try await post(#"""
            {"jsonrpc":"2.0","id":3,"method":"wallet/peg_out_fees","params":{"address":"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080","amount_sats":2100000000000000,"fee_rate":10000000}}
            """#)
        #expect(((maximum["error"] as? [String: Any])?["data"] as? [String: Any])?["code"] as? String == "insufficient_federation_funds", "\(maximum)")

        let status = try await post(#"{"jsonrpc":"2.0","id":4,"method":"status"}"#)
        #expect((status["result"] as? [String: Any])?["consensus_running"] as? Bool == true, "\(federation.log(0))")
        try federation.join("alice")
        #expect(try federation.mint("alice", ["dev-issue", "1000"]).status == 0)
    }
}
