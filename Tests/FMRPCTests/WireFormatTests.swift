import FMCore
import Foundation
import Testing

@testable import FMRPC

@Suite("JSON-RPC envelope parsing")
struct WireFormatTests {
    private func reject(_ text: String) throws -> JSONRPCRequest.Rejection {
        switch JSONRPCRequest.parse(Data(text.utf8)) {
        case .success(let request): throw UnexpectedlyValid(method: request.method)
        case .failure(let rejection): return rejection
        }
    }

    struct UnexpectedlyValid: Error { let method: String }

    @Test func readsAValidRequest() throws {
        let request = try JSONRPCRequest.parse(Data(#"{"jsonrpc":"2.0","method":"echo","params":{"a":1},"id":"x"}"#.utf8)).get()
        #expect(request.method == "echo")
        #expect(request.id == .string("x"))
        #expect(request.params == .object)
    }

    @Test func aRequestWithoutIDIsANotification() throws {
        let request = try JSONRPCRequest.parse(Data(#"{"jsonrpc":"2.0","method":"count","params":[]}"#.utf8)).get()
        #expect(request.id == nil)
        #expect(request.params == .array)
        let nullID = try JSONRPCRequest.parse(Data(#"{"jsonrpc":"2.0","method":"count","id":null}"#.utf8)).get()
        #expect(nullID.id == .null)
    }

    @Test func malformedJSONIsAParseError() throws {
        for text in ["{", "", "nul", #"{"jsonrpc":"2.0" "method":"m"}"#, "{'id':1}", "\u{FF}"] {
            let rejection = try reject(text)
            #expect(rejection.error.code == .parseError, "\(text)")
            #expect(rejection.id == .null)
        }
    }

    @Test(arguments: [
        (#"{"jsonrpc":"1.0","method":"m","id":7}"#, "jsonrpc"),
        (#"{"method":"m","id":7}"#, "jsonrpc"),
        (#"{"jsonrpc":2.0,"method":"m","id":7}"#, "jsonrpc"),
        (#"{"jsonrpc":"2.0","id":7}"#, "method"),
        (#"{"jsonrpc":"2.0","method":3,"id":7}"#, "method"),
        (#"{"jsonrpc":"2.0","method":"","id":7}"#, "method"),
        (#"{"jsonrpc":"2.0","method":"m","params":"x","id":7}"#, "params"),
        (#"{"jsonrpc":"2.0","method":"m","id":7,"extra":true}"#, "extra"),
    ])
    func invalidEnvelopesNameTheMemberAndKeepTheID(text: String, field: String) throws {
        let rejection = try reject(text)
        #expect(rejection.error.code == .invalidRequest)
        #expect(rejection.error.field == field)
        #expect(rejection.id == .number(7))
    }

    @Test(arguments: [#"{"jsonrpc":"2.0","method":"m","id":1.5}"#, #"{"jsonrpc":"2.0","method":"m","id":true}"#, #"{"jsonrpc":"2.0","method":"m","id":{}}"#])
    func badIDsAreInvalidRequestsAnsweredWithNull(text: String) throws {
        let rejection = try reject(text)
        #expect(rejection.error.code == .invalidRequest)
        #expect(rejection.error.field == "id")
        #expect(rejection.id == .null)
    }

    @Test func batchesAndScalarsAreRejected() throws {
        #expect(try reject(#"[{"jsonrpc":"2.0","method":"m","id":1}]"#).error.message.contains("batch"))
        #expect(try reject("42").error.code == .invalidRequest)
    }

    @Test func responsesAreCompactSortedJSON() throws {
        let success = JSONRPCResponse.success(id: .number(3), result: Data(#"{"a":1}"#.utf8))
        #expect(String(decoding: success, as: UTF8.self) == #"{"id":3,"jsonrpc":"2.0","result":{"a":1}}"#)
        let failure = JSONRPCResponse.failure(id: .string("q"), error: .methodNotFound("nope"))
        let text = String(decoding: failure, as: UTF8.self)
        #expect(text.hasPrefix(#"{"error":{"code":-32601,"data":{"category":"bad_input","code":"method_not_found""#))
        #expect(text.hasSuffix(#""id":"q","jsonrpc":"2.0"}"#))
    }

    @Test func clientReadsResultsAndErrors() throws {
        let decoder = JSONConventions.decoder()
        let ok = try decoder.decode(
            JSONRPCResponseEnvelope<[String: Int]>.self, from: Data(#"{"id":1,"jsonrpc":"2.0","result":{"n":2}}"#.utf8))
        #expect(try ok.outcome.get() == ["n": 2])
        let failed = try decoder.decode(
            JSONRPCResponseEnvelope<Int>.self,
            from: Data(#"{"error":{"code":-32004,"message":"slow"},"id":1,"jsonrpc":"2.0"}"#.utf8))
        guard case .failure(let error) = failed.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(error.code == .timeout)
        #expect(error.category == .unreachable)
        #expect(throws: DecodingError.self) {
            try decoder.decode(JSONRPCResponseEnvelope<Int>.self, from: Data(#"{"id":1,"jsonrpc":"2.0"}"#.utf8))
        }
    }

    @Test func domainErrorsCarryTheReport() {
        let error = JSONRPCError(reporting: InvalidInput(field: "amount", expected: "a positive amount"))
        #expect(error.code == .badInput)
        #expect(error.code.rawValue == 1002)
        #expect(error.data == ErrorReport(code: "invalid_input", category: .badInput, message: "amount: expected a positive amount", field: "amount"))
    }
}
