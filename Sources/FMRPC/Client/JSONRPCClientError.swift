import FMCore

/// Why a ``JSONRPCClient`` call failed.
///
/// Threshold logic in FMClient counts ``category`` `.unreachable` (no connection, connection lost,
/// timeout) as "this guardian did not answer", and `.server` as an answer that is an error.
public enum JSONRPCClientError: ReportableError, Equatable {
    /// The server could not be reached, or the connection dropped before the answer arrived.
    case unreachable(url: String, reason: String)
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
        case .unreachable(let url, let reason): "\(url) is unreachable: \(reason)"
        case .timedOut(let url, let method, let after): "\(url) did not answer \(method) within \(after)"
        case .server(let url, let method, let error): "\(url) answered \(method) with an error: \(error.message)"
        case .invalidResponse(let url, let method, let reason): "\(url) sent an unreadable answer to \(method): \(reason)"
        case .invalidRequest(let method, let reason): "cannot send \(method): \(reason)"
        }
    }
}
