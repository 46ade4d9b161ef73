import FMCore
import FMLightningCommon
import FMNetwork
import Foundation
import NIOCore

/// How a user's client talks to a gateway's public API (``GatewayAPI``): `pay` and `create_invoice` for the payment
/// and receive state machines, `info` for the gateway's terms. ``HTTPGatewayConnection`` is the real one; tests pass
/// an in-process gateway.
///
/// Nothing a gateway answers is trusted: a preimage must hash to the payment hash, a cancellation must be the
/// gateway key's signature, an invoice must carry the contract's payment hash and the asked amount.
public protocol GatewayConnection: Sendable {
    func pay(_ request: GatewayAPI.PayRequest, apiURL: String) async throws(GatewayCallError) -> GatewayAPI.PayResponse
    func createInvoice(
        _ request: GatewayAPI.CreateInvoiceRequest, apiURL: String
    ) async throws(GatewayCallError) -> GatewayAPI.CreateInvoiceResponse
    func info(apiURL: String) async throws(GatewayCallError) -> GatewayAPI.InfoResponse
}

/// Why a call to a gateway did not give an answer.
public enum GatewayCallError: ReportableError, Equatable {
    /// No answer (connection refused, timed out, an `unavailable` refusal): asking again may help.
    case unreachable(String)
    /// The gateway refused the request; `permanent` when asking again cannot help.
    case refused(code: String, message: String, permanent: Bool)
    /// The gateway answered something that is not the method's JSON.
    case malformed(String)
    /// The announced `api_url` is not an `http://host:port/...` URL this client can call.
    case badURL(String)

    /// Whether asking the same again later may succeed.
    public var isTransient: Bool {
        switch self {
        case .unreachable: true
        case .refused(_, _, let permanent): !permanent
        case .malformed, .badURL: false
        }
    }

    public var category: FailureCategory {
        switch self {
        case .unreachable: .unreachable
        case .refused, .malformed, .badURL: .failed
        }
    }

    public var code: String {
        switch self {
        case .unreachable: "gateway_unreachable"
        case .refused: "gateway_refused"
        case .malformed: "gateway_malformed_answer"
        case .badURL: "gateway_bad_url"
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let why): "the gateway did not answer: \(why)"
        case .refused(let code, let message, _): "the gateway refused (\(code)): \(message)"
        case .malformed(let why): "the gateway's answer is malformed: \(why)"
        case .badURL(let url): "the gateway's api_url \(url) is not an http://host:port URL"
        }
    }
}

/// ``GatewayConnection`` over HTTP: `POST <api_url>/<method>` with a JSON body (docs/lightning.md, "Gateway API").
public struct HTTPGatewayConnection: GatewayConnection {
    /// How long one call may take. A `pay` may wait for the Lightning payment; asking again is safe (the gateway
    /// answers the same contract the same way), so a timeout only means "ask again later".
    public let timeout: Duration

    public init(timeout: Duration = .seconds(60)) { self.timeout = timeout }

    public func pay(_ request: GatewayAPI.PayRequest, apiURL: String) async throws(GatewayCallError) -> GatewayAPI.PayResponse {
        try await call(GatewayAPI.pay, request, apiURL: apiURL)
    }

    public func createInvoice(
        _ request: GatewayAPI.CreateInvoiceRequest, apiURL: String
    ) async throws(GatewayCallError) -> GatewayAPI.CreateInvoiceResponse {
        try await call(GatewayAPI.createInvoice, request, apiURL: apiURL)
    }

    public func info(apiURL: String) async throws(GatewayCallError) -> GatewayAPI.InfoResponse {
        try await call(GatewayAPI.info, [String: String](), apiURL: apiURL)
    }

    /// Whether `apiURL` is one this client can call (`http://host[:port]/…`); checked before any money is locked.
    public static func isCallable(_ apiURL: String) -> Bool {
        guard let url = URL(string: apiURL), url.scheme == "http", let host = url.host else { return false }
        return !host.isEmpty
    }

    func call<Request: Encodable, Response: Decodable>(
        _ method: String, _ request: Request, apiURL: String
    ) async throws(GatewayCallError) -> Response {
        guard Self.isCallable(apiURL), let url = URL(string: apiURL), let host = url.host else { throw .badURL(apiURL) }
        let base = url.path.hasSuffix("/") ? url.path : url.path + "/"
        let body: [UInt8]
        do { body = Array(try JSONConventions.encoder().encode(request)) } catch { throw .malformed("request: \(error)") }
        let reply: HTTPReply
        do {
            reply = try await HTTPPost.send(
                host: host, port: url.port ?? 80, path: base + method, headers: [("Content-Type", "application/json")],
                body: body, timeout: TimeAmount.seconds(max(1, timeout.components.seconds)))
        } catch {
            throw .unreachable(NetworkFailure(error) { ($0 as? HTTPPostError)?.description }.reason)
        }
        guard reply.status == 200 else {
            guard let refusal = try? JSONConventions.strictDecode(GatewayAPI.ErrorResponse.self, from: Data(reply.body)) else {
                if reply.status >= 500 { throw .unreachable("HTTP \(reply.status)") }
                throw .malformed("HTTP \(reply.status) without an error object")
            }
            if refusal.code == .unavailable { throw .unreachable(refusal.message) }
            throw .refused(code: refusal.code.rawValue, message: refusal.message, permanent: refusal.code.isPermanent)
        }
        do { return try JSONConventions.strictDecode(Response.self, from: Data(reply.body)) } catch {
            throw .malformed("\(method): \(error)")
        }
    }
}
