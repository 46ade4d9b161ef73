import FMCore

/// The numeric `error.code` of a JSON-RPC 2.0 error response.
///
/// - The spec's five standard codes (-32700 … -32603).
/// - fm's transport limits, in the spec's "server error" range -32000 … -32099.
/// - Domain errors (a handler threw a ``FMCore/ReportableError``): `1000 + exit status` of the
///   error's ``FMCore/FailureCategory`` — 1001 failed, 1002 bad input, 1003 unreachable — with the
///   stable snake_case code in `error.data.code`.
public struct JSONRPCErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The message is not valid JSON.
    public static let parseError = Self(rawValue: -32700)
    /// The JSON is not a valid request object (wrong `jsonrpc`, missing `method`, bad `id`, …).
    public static let invalidRequest = Self(rawValue: -32600)
    /// No method of that name is registered.
    public static let methodNotFound = Self(rawValue: -32601)
    /// The params do not decode to the method's parameter type; `error.data.field` names the field.
    public static let invalidParams = Self(rawValue: -32602)
    /// The handler failed in a way it did not describe (a bug or an unexpected failure).
    public static let internalError = Self(rawValue: -32603)

    /// The request exceeds the server's maximum request size.
    public static let requestTooLarge = Self(rawValue: -32001)
    /// The connection sent requests faster than its rate limit allows.
    public static let rateLimited = Self(rawValue: -32002)
    /// The connection already has the maximum number of requests in flight.
    public static let tooManyInFlight = Self(rawValue: -32003)
    /// The handler did not finish within the request timeout.
    public static let timeout = Self(rawValue: -32004)

    /// Domain error: the operation was attempted and did not succeed.
    public static let failed = Self(rawValue: 1001)
    /// Domain error: the input was wrong; nothing changed.
    public static let badInput = Self(rawValue: 1002)
    /// Domain error: a backend or peer the server needs could not be reached.
    public static let unreachable = Self(rawValue: 1003)

    /// The code a domain error of `category` is sent with.
    public static func domain(_ category: FailureCategory) -> Self {
        switch category {
        case .failed: .failed
        case .badInput: .badInput
        case .unreachable: .unreachable
        }
    }

    /// The category a caller should report when it receives this code without `error.data`.
    public var category: FailureCategory {
        switch self {
        case .parseError, .invalidRequest, .methodNotFound, .invalidParams, .requestTooLarge, .badInput: .badInput
        case .rateLimited, .tooManyInFlight, .timeout, .unreachable: .unreachable
        default: .failed
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { String(rawValue) }
}
