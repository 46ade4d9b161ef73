import FMBitcoinRPC
import FMCore
import Foundation
internal import Hummingbird
import Logging
import NIOConcurrencyHelpers
internal import NIOCore
import ServiceLifecycle

/// Serves a ``RegtestNode`` over Bitcoin Core's JSON-RPC: HTTP/1.1 POST to `/` (or `/wallet/NAME`),
/// Basic auth, `{"result":..,"error":..,"id":..}` replies with HTTP 200, 500 for an RPC error,
/// 404 for an unknown method, 401 for bad credentials. Batches (JSON arrays) are answered in order.
///
/// A swift-service-lifecycle `Service`: it returns on graceful shutdown, task cancellation, or
/// after answering the `stop` RPC.
public final class RegtestServer: Service, Sendable {
    public let host: String
    public let port: Int
    private let methods: RegtestRPCMethods
    private let credentials: RPCCredentials
    private let logger: Logger
    private let boundPort = NIOLockedValueBox<BoundPort>(.pending([]))
    private let stopRequested = NIOLockedValueBox<(requested: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    private enum BoundPort {
        case pending([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(String)
    }

    /// The largest request body accepted (bitcoind's limit is larger; fm's calls are small).
    static let maximumRequestBytes = 32 << 20

    /// - Parameter port: 0 picks a free port; see ``listeningPort()``.
    public init(node: RegtestNode, host: String = "127.0.0.1", port: Int, credentials: RPCCredentials, logger: Logger) {
        self.methods = RegtestRPCMethods(node: node)
        self.host = host
        self.port = port
        self.credentials = credentials
        self.logger = logger
    }

    /// The port the server listens on, once it does.
    /// - Throws: ``RegtestServerError/notListening(_:)`` if it stopped or failed before listening.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = boundPort.withLockedValue { state in
                switch state {
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let reason): return .failure(RegtestServerError.notListening(reason))
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        router.post("/") { [self] request, _ in await self.serve(request) }
        router.post("/wallet/:name") { [self] request, _ in await self.serve(request) }
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "fm-regtest"),
            onServerRunning: { [self] channel in self.resolvePort(.bound(channel.localAddress?.port ?? -1)) },
            logger: logger)
        defer { resolvePort(.failed("the server stopped")) }
        do {
            try await runApplication(application)
        } catch {
            resolvePort(.failed("\(error)"))
            throw error
        }
    }

    private func runApplication(_ application: some Service) async throws {
        // The application runs in its own group so that `stop` can shut it down gracefully; a
        // graceful shutdown of the host's group reaches it too.
        let inner = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.waitForStop()
                // Let the reply to `stop` leave before the listener closes.
                try? await Task.sleep(nanoseconds: 200_000_000)
                await inner.triggerGracefulShutdown()
            }
            do {
                try await inner.run()
            } catch {
                requestStop()
                throw error
            }
            requestStop()
            try await group.waitForAll()
        }
    }

    private func resolvePort(_ outcome: BoundPort) {
        let waiters: [CheckedContinuation<Int, any Error>] = boundPort.withLockedValue { state in
            guard case .pending(let waiters) = state else { return [] }
            state = outcome
            return waiters
        }
        for waiter in waiters {
            switch outcome {
            case .bound(let port): waiter.resume(returning: port)
            case .failed(let reason): waiter.resume(throwing: RegtestServerError.notListening(reason))
            case .pending: break
            }
        }
    }

    private func requestStop() {
        let waiter = stopRequested.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.requested = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func waitForStop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyRequested = stopRequested.withLockedValue { state -> Bool in
                if !state.requested { state.waiter = continuation }
                return state.requested
            }
            if alreadyRequested { continuation.resume() }
        }
    }

    // MARK: Requests

    private func serve(_ request: Request) async -> Response {
        guard credentials.allows(authorization: request.headers[.authorization]) else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"jsonrpc\""])
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumRequestBytes) } catch {
            return Response(status: .contentTooLarge)
        }
        let json: BitcoinJSON
        do { json = try BitcoinJSON(parsing: body.readableBytesView) } catch {
            return reply(.internalServerError, Self.envelope(id: .null, error: .rpc(code: .parseError, message: "Parse error")))
        }
        if let batch = json.arrayValue {
            var replies: [BitcoinJSON] = []
            for item in batch { replies.append(await handle(item).body) }
            return reply(.ok, .array(replies))
        }
        let (status, envelope) = await handle(json)
        return reply(status, envelope)
    }

    private func handle(_ request: BitcoinJSON) async -> (status: HTTPResponse.Status, body: BitcoinJSON) {
        let id = request["id"] ?? .null
        guard let method = request["method"]?.stringValue else {
            return (.badRequest, Self.envelope(id: id, error: .rpc(code: .invalidRequest, message: "Method must be a string")))
        }
        let params: [BitcoinJSON]
        switch request["params"] {
        case nil, .null?: params = []
        case .array(let values)?: params = values
        default:
            let error = BitcoinRPCError.rpc(
                code: .invalidParams, message: "Params must be an array (fm-regtest does not take named parameters)")
            return (.internalServerError, Self.envelope(id: id, error: error))
        }
        if method == "stop" {
            requestStop()
            return (.ok, Self.envelope(id: id, result: .string("fm-regtest stopping")))
        }
        do throws(BitcoinRPCError) {
            let result = try await methods.call(method, params)
            return (.ok, Self.envelope(id: id, result: result))
        } catch {
            if case .rpc(let code, _) = error {
                logger.debug("RPC \(method) failed", metadata: ["code": "\(code.rawValue)", "error": "\(error)"])
            }
            let status: HTTPResponse.Status = error.rpcCode == .methodNotFound ? .notFound : .internalServerError
            return (status, Self.envelope(id: id, error: error))
        }
    }

    private static func envelope(id: BitcoinJSON, result: BitcoinJSON) -> BitcoinJSON {
        .object(["result": result, "error": .null, "id": id])
    }

    private static func envelope(id: BitcoinJSON, error: BitcoinRPCError) -> BitcoinJSON {
        let (code, message): (Int, String)
        switch error {
        case let .rpc(rpcCode, text): (code, message) = (rpcCode.rawValue, text)
        default: (code, message) = (BitcoinRPCErrorCode.internalError.rawValue, error.description)
        }
        return .object(["result": .null, "error": .object(["code": .integer(code), "message": .string(message)]), "id": id])
    }

    private func reply(_ status: HTTPResponse.Status, _ body: BitcoinJSON) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized + "\n")))
    }
}

public enum RegtestServerError: ReportableError {
    case notListening(String)

    public var category: FailureCategory { .failed }
    public var code: String { "regtest_rpc_not_listening" }

    public var description: String {
        switch self {
        case .notListening(let reason): return "fm-regtest RPC server is not listening: \(reason)"
        }
    }
}
