import FMCore
import Foundation

/// Decodes a request's params into a handler's type, turning decoding failures into
/// -32602 "invalid params" errors that name the field as it is spelled on the wire.
enum RPCParamsDecoding {
    private struct Envelope<Params: Decodable>: Decodable {
        let params: Params
    }

    static func decode<Params: Decodable>(_ type: Params.Type, from request: JSONRPCRequest) throws(JSONRPCError)
        -> Params
    {
        do {
            switch request.params {
            case .absent:
                // Absent params read as an empty object, so a missing field is named as missing.
                return try JSONConventions.decoder().decode(Params.self, from: Data("{}".utf8))
            case .object, .array:
                return try JSONConventions.strictDecode(Envelope<Params>.self, from: request.message).params
            }
        } catch let error as DecodingError {
            let (path, expected) = describe(error, paramsWrapped: request.params != .absent)
            throw .invalidParams(field: path.isEmpty ? "params" : "params." + path, expected: expected)
        } catch {
            throw .invalidParams(field: "params", expected: "valid params (\(error))")
        }
    }

    /// The failing path below `params`, in snake_case, and what was expected there.
    private static func describe(_ error: DecodingError, paramsWrapped: Bool) -> (String, String) {
        (error.jsonPath.dropFirst(paramsWrapped ? 1 : 0).joined(separator: "."), error.expectation)
    }
}
