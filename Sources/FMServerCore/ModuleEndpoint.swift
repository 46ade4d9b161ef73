import FMCore
import FMStorage

/// One client API method a module serves, reached as `<kind>/<name>` (e.g. `mint/spent_nonces`).
///
/// The guardian registers every module's endpoints into its JSON-RPC registry (FMRPC stays out of
/// FMServerCore): it decodes the request's params into a ``JSONValue`` (absent params read as `{}`), calls
/// ``handler`` inside a **read-only** database transaction on committed state, and sends the returned
/// value as the result.
///
/// Errors: throw ``ModuleEndpointError/invalidParams(field:expected:)`` for params that do not fit (sent as
/// JSON-RPC -32602 naming `params.<field>`), or any `FMCore.ReportableError` for a domain failure (sent as
/// 1000 + its exit status, with its report). Any other error is a storage failure, sent as -32603.
///
/// A **waiting** endpoint (``longPoll(as:summary:until:limit:)``) is a long poll: while its handler throws an error
/// whose code is in ``Waiting/codes`` (e.g. "no such contract yet"), the guardian calls it again after each block it
/// commits, for at most ``Waiting/limit``, then sends that error. The wait holds no database transaction (each call
/// is its own read), and the caller's connection limits (in-flight calls, cost budget) bound what one client holds.
public struct ModuleEndpoint: Sendable {
    /// How a waiting endpoint waits: which handler errors mean "not yet", and for how long at most.
    public struct Waiting: Sendable {
        public let codes: Set<String>
        public let limit: Duration
    }
    public typealias Handler = @Sendable (JSONValue, any StorageReading) throws -> JSONValue

    /// The method name below the module kind, snake_case.
    public let name: String
    /// One line for `rpc.methods` and the API documentation.
    public let summary: String
    /// Units of the caller's per-address cost budget one call takes (1 for a small query; more for a call
    /// that reads many rows, such as a recovery page).
    public let cost: Int
    public let handler: Handler
    /// Set for a long poll (see the type); nil answers at once.
    public private(set) var waiting: Waiting?

    public init(name: String, summary: String, cost: Int = 1, handler: @escaping Handler) {
        precondition(!name.isEmpty && !name.contains("/"), "an endpoint name is one snake_case word")
        precondition(cost >= 1, "an endpoint costs at least one unit")
        self.name = name
        self.summary = summary
        self.cost = cost
        self.handler = handler
    }

    /// This endpoint as a long poll named `name`: answered once the handler stops throwing an error with one of
    /// `codes`, or with that error after `limit` (at most 50 s, as the core long polls: the connection's timeouts allow it).
    public func longPoll(as name: String, summary: String, until codes: Set<String>, limit: Duration) -> ModuleEndpoint {
        precondition(limit > .zero && limit <= .seconds(50), "a long poll waits between 0 and 50 s")
        var copy = ModuleEndpoint(name: name, summary: summary, cost: cost, handler: handler)
        copy.waiting = Waiting(codes: codes, limit: limit)
        return copy
    }

    /// An endpoint with typed params and result, (de)coded with fm's JSON conventions (snake_case).
    /// A params object that does not decode is refused with ``ModuleEndpointError/invalidParams(field:expected:)``.
    public static func typed<Params: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, summary: String, cost: Int = 1, _ handler: @escaping @Sendable (Params, any StorageReading) throws -> Result
    ) -> ModuleEndpoint {
        ModuleEndpoint(name: name, summary: summary, cost: cost) { params, db in
            let decoded: Params
            do { decoded = try params.decode(Params.self) } catch let error as DecodingError {
                throw ModuleEndpointError(error)
            }
            return try JSONValue(try handler(decoded, db))
        }
    }
}

/// Why a module endpoint refused its params.
public enum ModuleEndpointError: ReportableError, Equatable {
    /// `field` (a snake_case path below `params`, empty for the params as a whole) is not what was `expected`.
    case invalidParams(field: String, expected: String)

    init(_ error: DecodingError) {
        self = .invalidParams(field: error.jsonPath.joined(separator: "."), expected: error.expectation)
    }

    public var category: FailureCategory { .badInput }
    public var code: String { "invalid_params" }
    public var field: String? {
        switch self {
        case .invalidParams(let field, _): field.isEmpty ? "params" : "params.\(field)"
        }
    }
    public var description: String {
        switch self {
        case .invalidParams(_, let expected): "\(field ?? "params"): expected \(expected)"
        }
    }
}
