import FMCore
import FMLightningCommon
import FMRPC
import Foundation
internal import Hummingbird
import Logging
import NIOConcurrencyHelpers
internal import NIOCore
import ServiceLifecycle

/// The gateway's two HTTP listeners and its background work:
/// - the **public API** (`POST /pay`, `/create_invoice`, `/info`; ``GatewayAPI``) for users' clients;
/// - the **operator JSON-RPC** (`POST /`, JSON-RPC 2.0, `Authorization: Bearer TOKEN`) on a loopback address.
/// Once both listen it writes `DATA_DIR/gateway.json` `{"api_port","operator_port","node_id","pid"}` (how `fm-gateway
/// cli` and tests find it).
public struct GatewayServer: Sendable {
    public let gateway: Gateway
    public let apiHost: String
    public let apiPort: Int
    public let operatorHost: String
    public let operatorPort: Int
    public let token: String
    let logger: Logger
    /// The public API's request budget per client address (``GatewayLimits``).
    let requestLimiter: KeyedRateLimiter

    static let maximumBody = 1 << 20

    public init(gateway: Gateway, apiHost: String, apiPort: Int, operatorHost: String, operatorPort: Int, token: String, logger: Logger) {
        self.gateway = gateway
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.operatorHost = operatorHost
        self.operatorPort = operatorPort
        self.token = token
        self.logger = logger
        let limits = gateway.configuration.limits
        requestLimiter = KeyedRateLimiter(burst: limits.requestBurst, perSecond: limits.requestsPerSecond)
    }

    public struct Ready: Codable, Sendable {
        public var apiPort: Int
        public var operatorPort: Int
        public var nodeId: String
        public var pid: Int32
    }

    public static func readyPath(dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("gateway.json") }

    public func run() async throws {
        let ports = NIOLockedValueBox<(api: Int?, operator: Int?)>((nil, nil))
        let publicRouter = Router(context: GatewayRequestContext.self)
        for method in [GatewayAPI.pay, GatewayAPI.createInvoice, GatewayAPI.info] {
            publicRouter.post("/\(method)") { request, context in await self.servePublic(method, request, client: context.client) }
        }
        let operatorRouter = Router(context: BasicRequestContext.self)
        operatorRouter.post("/") { request, _ in await self.serveOperator(request) }
        let written: @Sendable () -> Void = { [gateway] in
            let (api, op) = ports.withLockedValue { ($0.api, $0.operator) }
            guard let api, let op else { return }
            let ready = Ready(apiPort: api, operatorPort: op, nodeId: gateway.nodeID, pid: getpid())
            if let line = try? JSONConventions.line(ready) {
                try? AtomicFile.write(Array((line + "\n").utf8), to: Self.readyPath(dataDirectory: gateway.configuration.dataDirectory), mode: 0o644)
            }
        }
        let api = Application(
            router: publicRouter, configuration: ApplicationConfiguration(address: .hostname(apiHost, port: apiPort), serverName: "fm-gateway"),
            onServerRunning: { channel in
                ports.withLockedValue { $0.api = channel.localAddress?.port }
                written()
            }, logger: logger)
        let operatorApp = Application(
            router: operatorRouter,
            configuration: ApplicationConfiguration(address: .hostname(operatorHost, port: operatorPort), serverName: "fm-gateway-operator"),
            onServerRunning: { channel in
                ports.withLockedValue { $0.operator = channel.localAddress?.port }
                written()
            }, logger: logger)
        let background = BackgroundService(gateway: gateway)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [api, operatorApp, background], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    struct BackgroundService: Service {
        let gateway: Gateway
        func run() async throws {
            try await cancelWhenGracefulShutdown { try await gateway.runBackground() }
        }
    }

    // MARK: Public API

    func servePublic(_ method: String, _ request: Request, client: ClientAddress) async -> Response {
        guard requestLimiter.take(client.key) else {
            return Self.json(.tooManyRequests, GatewayAPI.ErrorResponse(
                code: .rateLimited, message: "too many requests from \(client): at most \(requestLimiter.burst) at once, then \(requestLimiter.perSecond) per second"))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBody) } catch { return Response(status: .contentTooLarge) }
        let data = Data(body.readableBytesView)
        do throws(GatewayAPI.ErrorResponse) {
            switch method {
            case GatewayAPI.pay: return Self.json(.ok, try await gateway.pay(try Self.decode(GatewayAPI.PayRequest.self, data)))
            case GatewayAPI.createInvoice:
                return Self.json(.ok, try await gateway.createInvoice(try Self.decode(GatewayAPI.CreateInvoiceRequest.self, data), client: client))
            default:
                do { return Self.json(.ok, try await gateway.info()) } catch { throw Gateway.unavailable(error) }
            }
        } catch {
            return Self.json(error.code == .rateLimited ? .tooManyRequests : error.code.isPermanent ? .badRequest : .serviceUnavailable, error)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(GatewayAPI.ErrorResponse) -> T {
        do { return try JSONConventions.decode(type, from: data, what: "body") } catch {
            throw GatewayAPI.ErrorResponse(code: .invalidRequest, message: error.description)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? JSONConventions.encoder().encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Operator JSON-RPC

    func serveOperator(_ request: Request) async -> Response {
        let presented = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : "" } ?? ""
        guard OperatorToken.matches(presented, token) else {
            return Self.json(.unauthorized, RPCReply(id: .null, error: .init(code: -32001, message: "operator token missing or wrong")))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBody) } catch { return Response(status: .contentTooLarge) }
        guard case .object(let call)? = try? JSONConventions.decoder().decode(JSONValue.self, from: Data(body.readableBytesView)),
            case .string(let method)? = call["method"]
        else { return Self.json(.badRequest, RPCReply(id: .null, error: .init(code: -32600, message: "not a JSON-RPC request"))) }
        let id = call["id"] ?? .null
        do {
            let params = try JSONConventions.encoder().encode(call["params"] ?? .object([:]))
            let result = try await gateway.operatorCall(method, params: params)
            let encoded = try JSONConventions.decoder().decode(JSONValue.self, from: try JSONConventions.encoder().encode(result))
            return Self.json(.ok, RPCReply(id: id, result: encoded))
        } catch {
            let (code, field) = Self.rpcCode(error)
            return Self.json(.ok, RPCReply(id: id, error: .init(code: code, message: "\(error)", field: field)))
        }
    }

    /// -32602 for bad input (the field named), -32000 otherwise.
    static func rpcCode(_ error: any Error) -> (Int, String?) {
        if let reportable = error as? any ReportableError {
            return (reportable.category == .badInput ? -32602 : -32000, reportable.field)
        }
        return (-32000, nil)
    }

    struct RPCReply: Encodable {
        struct Failure: Encodable {
            var code: Int
            var message: String
            var field: String?
        }
        var jsonrpc = "2.0"
        var id: JSONValue
        var result: JSONValue?
        var error: Failure?
        init(id: JSONValue, result: JSONValue) {
            self.id = id
            self.result = result
        }
        init(id: JSONValue, error: Failure) {
            self.id = id
            self.error = error
        }
    }
}
