import FMCore
import Foundation

/// Writing responses (server side) and reading them (client side).
///
/// A response is `{"id":…,"jsonrpc":"2.0","result":…}` or `{"error":{…},"id":…,"jsonrpc":"2.0"}`,
/// keys sorted as everywhere in fm. The result is encoded with ``FMCore/JSONConventions``.
enum JSONRPCResponse {
    /// A success response around an already encoded result.
    static func success(id: JSONRPCID, result: Data) -> Data {
        var response = Data(#"{"id":"#.utf8)
        response.append(encodeID(id))
        response.append(contentsOf: #","jsonrpc":"2.0","result":"#.utf8)
        response.append(result)
        response.append(UInt8(ascii: "}"))
        return response
    }

    static func failure(id: JSONRPCID, error: JSONRPCError) -> Data {
        struct Failure: Encodable {
            let error: JSONRPCError
            let id: JSONRPCID
            let jsonrpc = "2.0"
        }
        // Encoding plain strings, integers and an ErrorReport cannot fail.
        return (try? JSONConventions.encoder().encode(Failure(error: error, id: id))) ?? Data()
    }

    private static func encodeID(_ id: JSONRPCID) -> Data {
        (try? JSONEncoder().encode(id)) ?? Data("null".utf8)
    }
}

/// The id of a response, read first so the client can route the message to the waiting call,
/// which then decodes the rest with its own result type.
struct JSONRPCResponseID: Decodable {
    let id: JSONRPCID
}

/// A response decoded with the caller's result type.
struct JSONRPCResponseEnvelope<Result: Decodable>: Decodable {
    let id: JSONRPCID
    let outcome: Swift.Result<Result, JSONRPCError>

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(String.self, forKey: .jsonrpc)
        guard version == "2.0" else {
            throw DecodingError.dataCorruptedError(
                forKey: .jsonrpc, in: container, debugDescription: "jsonrpc is \"\(version)\", expected \"2.0\"")
        }
        id = try container.decode(JSONRPCID.self, forKey: .id)
        switch (container.contains(.result), container.contains(.error)) {
        case (true, false): outcome = .success(try container.decode(Result.self, forKey: .result))
        case (false, true): outcome = .failure(try container.decode(JSONRPCError.self, forKey: .error))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .result, in: container, debugDescription: "a response has exactly one of result and error")
        }
    }
}

/// The request a client sends.
struct JSONRPCOutgoingRequest<Params: Encodable>: Encodable {
    let id: JSONRPCID
    let jsonrpc = "2.0"
    let method: String
    let params: Params?

    private enum CodingKeys: String, CodingKey { case id, jsonrpc, method, params }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(jsonrpc, forKey: .jsonrpc)
        try container.encode(method, forKey: .method)
        try container.encodeIfPresent(params, forKey: .params)
    }
}
