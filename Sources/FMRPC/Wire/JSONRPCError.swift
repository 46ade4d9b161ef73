import FMCore

/// A JSON-RPC 2.0 error object, as sent in a response's `error` member.
///
/// fm always fills `data` with an ``FMCore/ErrorReport`` — a stable snake_case `code`, the
/// ``FMCore/FailureCategory``, a one-line message and, for bad input, the field at fault — so a
/// client can show and branch on any error the same way it handles its own.
///
/// Handlers may throw a `JSONRPCError` to choose the code themselves; any other
/// ``FMCore/ReportableError`` they throw is sent as a domain error (see ``JSONRPCErrorCode``).
public struct JSONRPCError: Error, Codable, Equatable, Sendable, CustomStringConvertible {
    public var code: JSONRPCErrorCode
    public var message: String
    public var data: ErrorReport?

    public init(code: JSONRPCErrorCode, message: String, data: ErrorReport? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// An error whose `data` repeats the message under a stable snake_case code.
    public init(
        _ code: JSONRPCErrorCode, _ reportCode: String, _ message: String,
        category: FailureCategory? = nil, field: String? = nil
    ) {
        self.init(
            code: code, message: message,
            data: ErrorReport(code: reportCode, category: category ?? code.category, message: message, field: field))
    }

    /// The domain error for a reportable error thrown by a handler.
    public init(reporting error: some ReportableError) {
        self.init(code: .domain(error.category), message: error.description, data: ErrorReport(error))
    }

    /// The category a client reports for this error.
    public var category: FailureCategory { data?.category ?? code.category }
    /// The `error.data.code`, or `jsonrpc_<number>` when the server sent no data.
    public var reportCode: String { data?.code ?? "jsonrpc_\(code.rawValue)" }
    /// The input field at fault, when the server named one.
    public var field: String? { data?.field }
    public var description: String { "\(message) (JSON-RPC error \(code.rawValue))" }
}

extension JSONRPCError {
    public static func parseError(_ detail: String) -> Self {
        Self(.parseError, "parse_error", "request is not valid JSON: \(detail)")
    }

    public static func invalidRequest(_ detail: String, field: String? = nil) -> Self {
        Self(.invalidRequest, "invalid_request", "invalid JSON-RPC request: \(detail)", field: field)
    }

    public static func methodNotFound(_ method: String) -> Self {
        Self(.methodNotFound, "method_not_found", "no method named \"\(method)\" (rpc.methods lists them)")
    }

    public static func invalidParams(field: String, expected: String) -> Self {
        Self(.invalidParams, "invalid_params", "invalid params: \(field): expected \(expected)", field: field)
    }

    public static func internalError(method: String) -> Self {
        Self(.internalError, "internal_error", "internal error while handling \"\(method)\"")
    }

    public static func requestTooLarge(size: Int?, limit: Int) -> Self {
        let what = size.map { "request of \($0) bytes" } ?? "request"
        return Self(
            .requestTooLarge, "request_too_large", "\(what) exceeds the limit of \(limit) bytes", category: .badInput)
    }

    public static func rateLimited(perSecond: Double) -> Self {
        Self(.rateLimited, "rate_limited", "rate limit exceeded (\(perSecond) requests per second per connection)")
    }

    /// The client address spent its cost budget (all its connections together); same code as a rate limit.
    public static func budgetExceeded(perSecond: Double) -> Self {
        Self(
            .rateLimited, "rate_limited",
            "request budget of this client address exceeded (\(perSecond) cost units per second; submit_transaction costs more than a query)")
    }

    public static func tooManyInFlight(limit: Int) -> Self {
        Self(.tooManyInFlight, "too_many_in_flight", "too many requests in flight on this connection (limit \(limit))")
    }

    public static func cancelled(method: String) -> Self {
        Self(
            .internalError, "cancelled", "\"\(method)\" was cancelled (connection closed or server stopping)",
            category: .unreachable)
    }

    public static func timeout(method: String, after: Duration) -> Self {
        Self(.timeout, "timeout", "\"\(method)\" did not finish within \(after)")
    }
}
