import Foundation

/// The envelope of one JSON-RPC 2.0 request, checked strictly, with its params left undecoded
/// until the method — and so the params type — is known.
struct JSONRPCRequest: Sendable {
    /// The shape of the `params` member; by-name (object) and by-position (array) are both allowed.
    enum Params: Sendable { case absent, object, array }

    /// The request id; `nil` for a notification (no `id` member), which gets no response.
    let id: JSONRPCID?
    let method: String
    let params: Params
    /// The whole message, from which the handler decodes `params` into its own type.
    let message: Data

    /// The id to answer with (`null` for a notification that must be told it was invalid).
    var responseID: JSONRPCID { id ?? .null }

    /// Reads and checks the envelope.
    ///
    /// - Returns: the request, or the error to send back together with the id to send it with
    ///   (the request's id when it could be read, otherwise `null`).
    static func parse(_ message: Data) -> Result<JSONRPCRequest, Rejection> {
        let probe: Probe
        do {
            probe = try JSONDecoder().decode(Probe.self, from: message)
        } catch {
            return .failure(Rejection(id: .null, error: .parseError(Self.describe(error))))
        }
        switch probe {
        case .array:
            return .failure(
                Rejection(id: .null, error: .invalidRequest("batch requests are not supported; send one request per message")))
        case .scalar:
            return .failure(Rejection(id: .null, error: .invalidRequest("expected a request object")))
        case .object(let envelope):
            return envelope.validated(message: message)
        }
    }

    struct Rejection: Error, Sendable {
        let id: JSONRPCID
        let error: JSONRPCError
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return "\(error)"
    }
}

// MARK: - Reading the envelope without throwing, so that every fault can be reported with the id

private struct MemberKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }

    static let jsonrpc = Self(stringValue: "jsonrpc")
    static let method = Self(stringValue: "method")
    static let params = Self(stringValue: "params")
    static let id = Self(stringValue: "id")
    static let all: Set<String> = ["jsonrpc", "method", "params", "id"]
}

private enum Probe: Decodable {
    case object(Envelope)
    case array
    case scalar

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: MemberKey.self) {
            self = .object(Envelope(container))
        } else if (try? decoder.unkeyedContainer()) != nil {
            self = .array
        } else {
            self = .scalar
        }
    }
}

/// What was found in each member; each is `nil` when absent and `.failure` when of the wrong type.
private struct Envelope {
    var unknownMembers: [String]
    var version: Result<String, JSONRPCError>?
    var method: Result<String, JSONRPCError>?
    var params: Result<JSONRPCRequest.Params, JSONRPCError>?
    var id: Result<JSONRPCID, JSONRPCError>?

    init(_ container: KeyedDecodingContainer<MemberKey>) {
        unknownMembers = container.allKeys.map(\.stringValue).filter { !MemberKey.all.contains($0) }.sorted()
        if container.contains(.jsonrpc) {
            version = Result { try container.decode(String.self, forKey: .jsonrpc) }
                .mapError { _ in .invalidRequest("\"jsonrpc\" must be the string \"2.0\"", field: "jsonrpc") }
        }
        if container.contains(.method) {
            method = Result { try container.decode(String.self, forKey: .method) }
                .mapError { _ in .invalidRequest("\"method\" must be a string", field: "method") }
        }
        if container.contains(.id) {
            id = Result { try container.decode(JSONRPCID.self, forKey: .id) }
                .mapError { _ in .invalidRequest("\"id\" must be an integer, a string or null", field: "id") }
        }
        if container.contains(.params) {
            if (try? container.decodeNil(forKey: .params)) == true {
                params = .success(.absent)
            } else if (try? container.nestedContainer(keyedBy: MemberKey.self, forKey: .params)) != nil {
                params = .success(.object)
            } else if (try? container.nestedUnkeyedContainer(forKey: .params)) != nil {
                params = .success(.array)
            } else {
                params = .failure(.invalidRequest("\"params\" must be an object or an array", field: "params"))
            }
        }
    }

    func validated(message: Data) -> Result<JSONRPCRequest, JSONRPCRequest.Rejection> {
        var replyID = JSONRPCID.null
        if case .success(let id) = id { replyID = id }
        func reject(_ error: JSONRPCError) -> Result<JSONRPCRequest, JSONRPCRequest.Rejection> {
            .failure(.init(id: replyID, error: error))
        }

        if case .failure(let error) = id { return reject(error) }
        switch version {
        case .none: return reject(.invalidRequest("\"jsonrpc\" is missing; it must be \"2.0\"", field: "jsonrpc"))
        case .failure(let error): return reject(error)
        case .success(let version) where version != "2.0":
            return reject(.invalidRequest("\"jsonrpc\" is \"\(version)\"; it must be \"2.0\"", field: "jsonrpc"))
        case .success: break
        }
        let methodName: String
        switch method {
        case .none: return reject(.invalidRequest("\"method\" is missing", field: "method"))
        case .failure(let error): return reject(error)
        case .success(let name) where name.isEmpty: return reject(.invalidRequest("\"method\" is empty", field: "method"))
        case .success(let name): methodName = name
        }
        if let member = unknownMembers.first {
            return reject(.invalidRequest("unknown member \"\(member)\"", field: member))
        }
        let paramsShape: JSONRPCRequest.Params
        switch params {
        case .none: paramsShape = .absent
        case .failure(let error): return reject(error)
        case .success(let shape): paramsShape = shape
        }
        let requestID: JSONRPCID? = if case .success(let id) = id { id } else { nil }
        return .success(JSONRPCRequest(id: requestID, method: methodName, params: paramsShape, message: message))
    }
}
