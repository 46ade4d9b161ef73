import CoreMetrics
import FMCore
import Foundation
internal import Hummingbird
internal import HummingbirdCore
internal import HummingbirdWebSocket
import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore
import Prometheus
import ServiceLifecycle

/// The client API server: JSON-RPC 2.0 over WebSocket, plus plain HTTP for scripts and operators.
///
/// Routes on one port:
/// - `GET /` with `Upgrade: websocket` — the JSON-RPC connection: one request per text message,
///   one response per request; requests run concurrently and may be answered out of order.
/// - `POST /rpc` — one JSON-RPC request in the body, its response in the reply (`curl -d`).
/// - `GET /` — the status page the host supplies.
/// - `GET /metrics` — Prometheus text from the host's registry (404 when none was given).
///
/// Every connection first passes ``ConnectionGuardHandler`` (per-address cap, idle timeout, `400` for
/// input that is not HTTP, lingering close); requests are limited per WebSocket connection, per client
/// address for HTTP, and by the client address's cost budget (``RPCClientTable``).
///
/// It is a swift-service-lifecycle `Service`: run it in the host's `ServiceGroup`; on graceful
/// shutdown it stops accepting connections, closes WebSockets with code 1000 and returns.
public final class RPCServer: Service, Sendable {
    public let configuration: Configuration
    private let registry: RPCMethodRegistry
    private let statusPage: @Sendable () async -> RPCStatusPage
    private let prometheus: PrometheusCollectorRegistry?
    private let beforeMetrics: @Sendable () -> Void
    private let dispatcher: RPCDispatcher
    private let logger: Logger
    private let port = Promise<Int>()
    private let connectionCounter = NIOLockedValueBox<UInt64>(0)
    /// Per client address: connections, the HTTP limiter, the cost budget.
    private let clients: RPCClientTable

    /// - Parameters:
    ///   - registry: The methods to serve.
    ///   - configuration: Address and limits.
    ///   - statusPage: Produces the body of `GET /`; defaults to the JSON method list.
    ///   - prometheus: The registry `GET /metrics` emits; see ``RPCMetricsBootstrap``.
    ///   - beforeMetrics: Runs before each `GET /metrics` emits, to set gauges read from live state.
    ///   - metricsFactory: Where the server's own metrics go (default: the process-wide `MetricsSystem`).
    ///   - logger: Used for connection and handler events; handlers get it with request metadata.
    public init(
        registry: RPCMethodRegistry,
        configuration: Configuration = Configuration(),
        statusPage: (@Sendable () async -> RPCStatusPage)? = nil,
        prometheus: PrometheusCollectorRegistry? = nil,
        beforeMetrics: @escaping @Sendable () -> Void = {},
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.statusPage = statusPage ?? { [registry] in
            (try? .jsonEncoding(["methods": registry.descriptions])) ?? .text("fm JSON-RPC server")
        }
        self.prometheus = prometheus
        self.beforeMetrics = beforeMetrics
        self.logger = logger
        self.dispatcher = RPCDispatcher(
            registry: registry, requestTimeout: configuration.requestTimeout, logger: logger,
            metrics: RPCServerMetrics(factory: metricsFactory ?? MetricsSystem.factory))
        self.clients = RPCClientTable(configuration: configuration)
    }

    /// The bound port, once the server listens (useful with port 0). Throws if the server failed
    /// to start or stopped before it listened.
    public func listeningPort() async throws -> Int {
        try await port.wait()
    }

    /// Runs until graceful shutdown (or task cancellation). Call once.
    public func run() async throws {
        do {
            try await makeApplication().run()
            port.complete(.failure(RPCServerError.stoppedBeforeListening))
        } catch {
            port.complete(.failure(error))
            throw error
        }
    }

    // MARK: - Application

    private func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: RPCHTTPContext.self)
        router.get("/") { [statusPage] _, _ -> Response in
            let page = await statusPage()
            return Self.response(.ok, contentType: page.contentType, body: page.body)
        }
        router.get("/metrics") { [prometheus, beforeMetrics] _, _ -> Response in
            guard let prometheus else {
                return Self.response(.notFound, contentType: "text/plain", body: Data("no metrics registry\n".utf8))
            }
            beforeMetrics()
            return Self.response(
                .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Data(prometheus.emitToBuffer()))
        }
        router.post("/rpc") { [self] request, context -> Response in
            await self.serveHTTP(request, limiter: clients.httpLimiter(context.client))
        }

        let webSocketRouter = Router(context: RPCWebSocketContext.self)
        webSocketRouter.ws("/") { [self] inbound, outbound, context in
            await self.serveWebSocket(
                inbound: inbound, outbound: outbound, limiter: clients.connectionLimiter(context.requestContext.client),
                logger: context.logger)
        }

        let webSocket = WebSocketServerConfiguration(
            maxFrameSize: configuration.maxFrameBytes, autoPing: .enabled(timePeriod: .seconds(30)),
            closeTimeout: .seconds(5))
        let webSocketResponder = webSocketRouter.buildResponder()
        let timeouts = ConnectionGuardHandler.Timeouts(
            idle: TimeAmount(configuration.idleTimeout), linger: TimeAmount(configuration.lingerTimeout))
        let server = HTTPServerBuilder { [clients] responder in
            GuardedChildChannel(
                inner: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder, configuration: .init(ws: webSocket)),
                clients: clients, timeouts: timeouts)
        }
        return Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
            onServerRunning: { [port, logger] channel in
                let bound = channel.localAddress?.port ?? -1
                logger.info("JSON-RPC server listening", metadata: ["rpc.port": .stringConvertible(bound)])
                port.complete(.success(bound))
            },
            logger: logger)
    }

    // MARK: - WebSocket

    private func serveWebSocket(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, limiter: RPCConnectionLimiter, logger: Logger
    ) async {
        let connectionID = connectionCounter.withLockedValue { counter in
            counter += 1
            return counter
        }
        dispatcher.metrics.connectionOpened()
        defer { dispatcher.metrics.connectionClosed() }

        // One writer, so that fragmented responses never interleave.
        let (responses, sink) = AsyncStream.makeStream(of: Data.self)
        let unsent = NIOLockedValueBox(0)
        let enqueue: @Sendable (Data) -> Void = { response in
            unsent.withLockedValue { $0 += response.count }
            sink.yield(response)
        }
        async let written: Void = Self.write(responses, to: outbound, unsent: unsent)

        await withDiscardingTaskGroup { requests in
            var assembler = MessageAssembler(limit: configuration.maxRequestBytes)
            do {
                for try await frame in inbound {
                    guard unsent.withLockedValue({ $0 }) <= configuration.maxUnsentResponseBytes else {
                        logger.warning("closing a WebSocket client that does not read its answers")
                        break
                    }
                    let kind: MessageAssembler.Kind = switch frame.opcode {
                    case .text: .text
                    case .binary: .binary
                    case .continuation: .continuation
                    }
                    switch try assembler.receive(kind, data: frame.data, fin: frame.fin) {
                    case nil:
                        continue
                    case .text(let message):
                        requests.addTask { [dispatcher] in
                            let response = await dispatcher.handle(
                                Data(message.readableBytesView), connectionID: connectionID, transport: .webSocket,
                                limiter: limiter)
                            if let response { enqueue(response) }
                        }
                    case .binary:
                        enqueue(reject(.invalidRequest("binary messages are not accepted; send JSON as text"), limiter))
                    case .tooLarge(let size):
                        enqueue(reject(.requestTooLarge(size: size, limit: configuration.maxRequestBytes), limiter))
                    }
                }
            } catch {
                logger.debug("WebSocket connection ended", metadata: ["error": "\(error)"])
            }
            // The peer is gone or the server is stopping: nobody will read the pending answers.
            requests.cancelAll()
        }
        sink.finish()
        await written
    }

    /// An error for a message that never reaches the dispatcher; it still takes a rate-limit token.
    private func reject(_ error: JSONRPCError, _ limiter: RPCConnectionLimiter) -> Data {
        switch limiter.admit() {
        case .admitted:
            limiter.release()
            dispatcher.metrics.rejected(error.code)
            return JSONRPCResponse.failure(id: .null, error: error)
        case .rejected(let limited):
            dispatcher.metrics.rejected(limited.code)
            return JSONRPCResponse.failure(id: .null, error: limited)
        }
    }

    private static func write(
        _ responses: AsyncStream<Data>, to outbound: WebSocketOutboundWriter, unsent: NIOLockedValueBox<Int>
    ) async {
        var open = true
        for await response in responses {
            defer { unsent.withLockedValue { $0 -= response.count } }
            guard open else { continue }
            do {
                try await outbound.writeTextMessage(String(decoding: response, as: UTF8.self))
            } catch {
                open = false  // The connection is closing; drop the remaining answers.
            }
        }
    }

    // MARK: - HTTP POST /rpc

    private func serveHTTP(_ request: Request, limiter: RPCConnectionLimiter) async -> Response {
        let limit = configuration.maxRequestBytes
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            let declared = request.headers[.contentLength].flatMap { Int($0) }
            let failure = JSONRPCResponse.failure(id: .null, error: .requestTooLarge(size: declared, limit: limit))
            dispatcher.metrics.rejected(.requestTooLarge)
            return Self.response(.contentTooLarge, contentType: "application/json", body: failure)
        }
        guard
            let response = await dispatcher.handle(
                Data(body.readableBytesView), connectionID: 0, transport: .http, limiter: limiter)
        else {
            return Response(status: .noContent)
        }
        return Self.response(.ok, contentType: "application/json", body: response)
    }

    private static func response(_ status: HTTPResponse.Status, contentType: String, body: Data) -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The HTTP request context, with the client address the per-address limits key on.
struct RPCHTTPContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let client: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = RPCClientTable.address(of: source.channel.remoteAddress)
    }
}

/// The WebSocket upgrade's request context, with the client address.
struct RPCWebSocketContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let client: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        client = RPCClientTable.address(of: source.channel.remoteAddress)
    }
}

/// Why ``RPCServer/listeningPort()`` has no port to give.
public enum RPCServerError: Error, CustomStringConvertible {
    case stoppedBeforeListening

    public var description: String {
        switch self {
        case .stoppedBeforeListening: "the JSON-RPC server stopped before it was listening"
        }
    }
}
