import FMCore
import Foundation

/// Who may call a method: anyone (the client API), or only the guardian's operator.
public enum RPCAccess: String, Sendable, Codable {
    case `public`
    /// The request must carry the operator's credential in `params.auth` (``AdminCredential``); the registry's
    /// ``RPCAdminGate`` checks it before the params are decoded or the handler runs.
    case admin
}

/// The operator's credential as an admin request carries it: `params.auth` is `{"token": "<hex>"}` (the token file
/// `fm-node run` writes) or `{"password": "<operator password>"}`. Its `description` never shows the secret.
public enum AdminCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    case token(String)
    case password(String)

    /// The name of the params member that carries the credential.
    public static let member = "auth"

    public var description: String {
        switch self {
        case .token: "token(<redacted>)"
        case .password: "password(<redacted>)"
        }
    }

    public var debugDescription: String { description }

    /// The `auth` member's JSON.
    public var json: JSONValue {
        switch self {
        case .token(let token): .object(["token": .string(token)])
        case .password(let password): .object(["password": .string(password)])
        }
    }

    /// Reads an `auth` member; `nil` when it is not exactly one string `token` or `password`.
    init?(json: JSONValue) {
        guard case .object(let fields) = json, fields.count == 1, let (key, value) = fields.first,
            case .string(let secret) = value
        else { return nil }
        switch key {
        case "token": self = .token(secret)
        case "password": self = .password(secret)
        default: return nil
        }
    }
}

/// Decides whether an admin request's credential is the operator's.
public protocol RPCAdminGate: Sendable {
    /// Returns when `credential` authorizes a call from `clientAddress`; otherwise throws the error to send
    /// (``JSONRPCError/unauthorized`` or a rate limit). It must not log the credential.
    func authorize(_ credential: AdminCredential?, clientAddress: String) async throws
}

/// The gate of a server that has no operator credential: every admin call is unauthorized.
public struct RPCDenyAllAdminGate: RPCAdminGate {
    public init() {}
    public func authorize(_ credential: AdminCredential?, clientAddress: String) async throws {
        throw JSONRPCError.unauthorized
    }
}

extension JSONRPCError {
    /// An admin method called without the operator's credential, or with a wrong one; nothing was done.
    public static let unauthorized = JSONRPCError(
        .badInput, "unauthorized",
        "unauthorized: this admin method needs the operator's credential (params.auth: the token fm-node run writes, or the operator password)",
        category: .badInput, field: "auth")

    /// Too many admin attempts from one address.
    public static func adminRateLimited(perSecond: Double) -> Self {
        Self(.rateLimited, "rate_limited", "too many admin attempts from this address (\(perSecond) per second); wait and retry")
    }
}

extension RPCParamsDecoding {
    /// Takes the ``AdminCredential`` out of an admin request: the credential (nil when absent or malformed) and the
    /// request without the `auth` member, for the method's own params type. Only by-name params can carry one.
    static func splitCredential(_ request: JSONRPCRequest) -> (AdminCredential?, JSONRPCRequest) {
        guard request.params == .object,
            let envelope = try? JSONDecoder().decode([String: JSONValue].self, from: request.message),
            case .object(var params)? = envelope["params"]
        else { return (nil, request) }
        let credential = params.removeValue(forKey: AdminCredential.member).flatMap(AdminCredential.init(json:))
        guard let message = try? JSONEncoder().encode(["params": JSONValue.object(params)]) else { return (credential, request) }
        return (credential, JSONRPCRequest(id: request.id, method: request.method, params: .object, message: message))
    }
}
