import FMCore
import FMNetwork

/// Why a ``JSONRPCClient`` call failed.
///
/// Threshold logic in FMClient counts ``category`` `.unreachable` (no connection, connection lost,
/// timeout) as "this guardian did not answer", and `.server` as an answer that is an error.
///
/// Its description is one line a person acts on (`127.0.0.1:8174: connection refused`); the transport's raw
/// error is only in ``detail``.
public enum JSONRPCClientError: EndpointFailure, Equatable {
    /// The server could not be reached, or the connection dropped before the answer arrived: `reason` in
    /// words (``NetworkFailure``), `detail` the transport's raw error.
    case unreachable(url: String, reason: String, detail: String? = nil)
    /// No answer within the call's timeout.
    case timedOut(url: String, method: String, after: Duration)
    /// The server answered with a JSON-RPC error.
    case server(url: String, method: String, error: JSONRPCError)
    /// The server's answer could not be read as the expected result.
    case invalidResponse(url: String, method: String, reason: String)
    /// The request could not be sent as asked (params not encodable, or larger than the limit).
    case invalidRequest(method: String, reason: String)

    public var category: FailureCategory {
        switch self {
        case .unreachable, .timedOut: .unreachable
        case .server(_, _, let error): error.category
        case .invalidResponse: .failed
        case .invalidRequest: .badInput
        }
    }

    public var code: String {
        switch self {
        case .unreachable: "unreachable"
        case .timedOut: "timeout"
        case .server(_, _, let error): error.reportCode
        case .invalidResponse: "invalid_response"
        case .invalidRequest: "invalid_request"
        }
    }

    public var field: String? {
        if case .server(_, _, let error) = self { error.field } else { nil }
    }

    /// The JSON-RPC error the server sent, if that is what this is.
    public var serverError: JSONRPCError? {
        if case .server(_, _, let error) = self { error } else { nil }
    }

    public var description: String {
        switch self {
        case .unreachable, .timedOut: "\(endpoint): \(reason)"
        case .server(_, let method, let error): "\(endpoint) answered \(method) with an error: \(error.message)"
        case .invalidResponse(_, let method, let reason): "\(endpoint) sent an unreadable answer to \(method): \(reason)"
        case .invalidRequest(let method, let reason): "cannot send \(method): \(reason)"
        }
    }

    /// `host:port` of the server (the URL as given when it has no such part).
    public var endpoint: String {
        switch self {
        case .unreachable(let url, _, _), .timedOut(let url, _, _), .server(let url, _, _), .invalidResponse(let url, _, _):
            Self.endpoint(of: url)
        case .invalidRequest: "request"
        }
    }

    /// Why, in a few words.
    public var reason: String {
        switch self {
        case .unreachable(_, let reason, _): reason
        case .timedOut(_, let method, let after): "timed out after \(after.spoken) (\(method))"
        case .server(_, _, let error): error.message
        case .invalidResponse(_, _, let reason), .invalidRequest(_, let reason): reason
        }
    }

    public var detail: String? {
        if case .unreachable(_, _, let detail) = self { detail } else { nil }
    }

    static func endpoint(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" })
    }
}
