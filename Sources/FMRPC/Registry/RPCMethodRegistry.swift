import FMCore
import Foundation

/// The methods a server offers, each a typed handler.
///
/// Modules register their methods at startup, before the registry is handed to ``RPCServer``:
///
/// ```swift
/// var registry = RPCMethodRegistry()
/// registry.register("session_count", summary: "Number of completed consensus sessions") {
///     (_: NoParams, context) async throws -> UInt64 in
///     try await consensus.sessionCount()
/// }
/// ```
///
/// Params are decoded and results encoded with ``FMCore/JSONConventions`` (snake_case keys).
/// A handler reports a domain failure by throwing a ``FMCore/ReportableError`` (sent as code
/// 1000 + exit status, with the report in `error.data`) or a ``JSONRPCError``; any other error is
/// logged and sent as -32603 "internal error" without its details.
///
/// The method `rpc.methods` is built in: it lists every registered method (``RPCMethodDescription``).
///
/// A method registered with `access: .admin` runs only for the operator: the registry's ``RPCAdminGate`` checks
/// the request's `params.auth` (``AdminCredential``) first, and a refused call gets `unauthorized` with nothing done.
public struct RPCMethodRegistry: Sendable {
    /// The name of the built-in introspection method.
    public static let listMethodsName = "rpc.methods"

    typealias Handler = @Sendable (JSONRPCRequest, RPCRequestContext) async throws -> Data

    struct Method: Sendable {
        let description: RPCMethodDescription
        let timeout: Duration?
        /// Units of the client's cost budget one call takes (``RPCServer/Configuration/clientBudget``).
        let cost: Int
        let handler: Handler
    }

    /// The cost fm-node gives `submit_transaction`: it checks signatures and spends CPU a query does not.
    public static let submitCost = 10

    private(set) var methods: [String: Method] = [:]
    /// Checks the credential of every `access: .admin` method.
    let adminGate: any RPCAdminGate

    /// - Parameter adminGate: checks admin methods' credentials (default: refuses every admin call).
    public init(adminGate: any RPCAdminGate = RPCDenyAllAdminGate()) {
        self.adminGate = adminGate
    }

    /// Stops serving `name`: it is answered `method_not_found` from now on, as by a server that never had it (fm-bench's
    /// guardians of an older release).
    public mutating func remove(_ name: String) {
        methods[name] = nil
    }

    /// Registers `handler` under `name`.
    ///
    /// - Parameters:
    ///   - name: The JSON-RPC method name, e.g. `session_count` or `mint/blind_sign`. Names starting
    ///     with `rpc.` are reserved by JSON-RPC.
    ///   - summary: One line for the generated API documentation.
    ///   - timeout: Overrides the server's request timeout; long polls such as `await_transaction`
    ///     set a longer one.
    ///   - cost: Units of the calling client's cost budget one call takes (1 for a query; more for
    ///     methods that cost the server real work, such as `submit_transaction`).
    ///   - access: `.admin`: only a request carrying the operator's credential reaches `handler` (see the type).
    ///   - handler: Called with the decoded params. It must honour task cancellation: it is
    ///     cancelled when its timeout passes or its connection closes.
    /// - Precondition: `name` is not yet registered and does not start with `rpc.`.
    public mutating func register<Params: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String,
        summary: String = "",
        timeout: Duration? = nil,
        cost: Int = 1,
        access: RPCAccess = .public,
        _ handler: @escaping @Sendable (Params, RPCRequestContext) async throws -> Result
    ) {
        precondition(cost >= 1, "a method costs at least one unit")
        precondition(!name.isEmpty && !name.hasPrefix("rpc."), "JSON-RPC method names must not be empty or start with rpc.")
        precondition(methods[name] == nil, "JSON-RPC method \(name) is registered twice")
        let description = RPCMethodDescription(
            name: name, summary: summary, params: Self.typeName(Params.self), result: Self.typeName(Result.self),
            timeoutSeconds: timeout.map(\.seconds), admin: access == .admin ? true : nil)
        let gate = adminGate
        methods[name] = Method(description: description, timeout: timeout, cost: cost) { request, context in
            var request = request
            if access == .admin {
                let (credential, rest) = RPCParamsDecoding.splitCredential(request)
                try await gate.authorize(credential, clientAddress: context.clientAddress)
                request = rest
            }
            let params = try RPCParamsDecoding.decode(Params.self, from: request)
            let result = try await handler(params, context)
            return try JSONConventions.encoder().encode(result)
        }
    }

    /// Every registered method, sorted by name, `rpc.methods` included.
    public var descriptions: [RPCMethodDescription] {
        let builtIn = RPCMethodDescription(
            name: Self.listMethodsName, summary: "Lists the methods this server offers",
            params: Self.typeName(NoParams.self), result: Self.typeName([RPCMethodDescription].self), timeoutSeconds: nil,
            admin: nil)
        return (methods.values.map(\.description) + [builtIn]).sorted { $0.name < $1.name }
    }

    private static func typeName(_ type: Any.Type) -> String {
        String(reflecting: type).split(separator: ".").drop { $0 == "Swift" }.joined(separator: ".")
    }
}

/// One entry of `rpc.methods`.
public struct RPCMethodDescription: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The Swift params type, e.g. `FMMintCommon.BlindSignRequest`.
    public var params: String
    /// The Swift result type.
    public var result: String
    /// The method's own timeout, when it overrides the server's.
    public var timeoutSeconds: Double?
    /// `true` for an admin method (it needs the operator's credential in `params.auth`).
    public var admin: Bool?

    public init(
        name: String, summary: String, params: String, result: String, timeoutSeconds: Double?, admin: Bool? = nil
    ) {
        self.admin = admin
        self.name = name
        self.summary = summary
        self.params = params
        self.result = result
        self.timeoutSeconds = timeoutSeconds
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
