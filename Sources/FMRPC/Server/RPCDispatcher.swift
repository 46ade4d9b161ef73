import CoreMetrics
import Metrics
import FMCore
import Foundation
import Logging

/// Turns one request message into its response, independent of the transport: strict envelope
/// checks, admission (rate limit, in-flight cap, the client's cost budget), method lookup, params decoding, the
/// per-request timeout, and the mapping of thrown errors to JSON-RPC error objects.
struct RPCDispatcher: Sendable {
    let registry: RPCMethodRegistry
    let requestTimeout: Duration
    let logger: Logger
    let metrics: RPCServerMetrics

    /// Handles one message.
    ///
    /// - Returns: the response to send, or `nil` for a valid notification (no `id`).
    func handle(
        _ message: Data, connectionID: UInt64, transport: RPCTransport, limiter: RPCConnectionLimiter
    ) async -> Data? {
        let parsed = JSONRPCRequest.parse(message)
        let replyID: JSONRPCID = switch parsed {
        case .success(let request): request.responseID
        case .failure(let rejection): rejection.id
        }
        let cost: Int = switch parsed {
        case .success(let request): registry.methods[request.method]?.cost ?? 1
        case .failure: 1
        }
        switch limiter.admit(cost: cost) {
        case .admitted: break
        case .rejected(let error):
            metrics.rejected(error.code)
            return JSONRPCResponse.failure(id: replyID, error: error)
        }
        defer { limiter.release() }

        let request: JSONRPCRequest
        switch parsed {
        case .failure(let rejection):
            metrics.rejected(rejection.error.code)
            return JSONRPCResponse.failure(id: rejection.id, error: rejection.error)
        case .success(let valid):
            request = valid
        }

        var requestLogger = logger
        requestLogger[metadataKey: "rpc.method"] = .string(request.method)
        requestLogger[metadataKey: "rpc.connection"] = .stringConvertible(connectionID)
        let context = RPCRequestContext(
            method: request.method, requestID: request.id, connectionID: connectionID, transport: transport,
            logger: requestLogger, clientAddress: limiter.clientAddress)

        let start = ContinuousClock.now
        let outcome = await run(request, context: context)
        metrics.completed(method: registry.methods[request.method] == nil ? nil : request.method,
                          error: outcome.failure?.code, duration: ContinuousClock.now - start)
        guard let id = request.id else { return nil }
        switch outcome {
        case .success(let result): return JSONRPCResponse.success(id: id, result: result)
        case .failure(let error): return JSONRPCResponse.failure(id: id, error: error)
        }
    }

    private func run(_ request: JSONRPCRequest, context: RPCRequestContext) async -> Result<Data, JSONRPCError> {
        if request.method == RPCMethodRegistry.listMethodsName {
            return Result { () throws(JSONRPCError) -> Data in
                _ = try RPCParamsDecoding.decode(NoParams.self, from: request)
                return (try? JSONConventions.encoder().encode(registry.descriptions)) ?? Data("[]".utf8)
            }
        }
        guard let method = registry.methods[request.method] else {
            return .failure(.methodNotFound(request.method))
        }
        let timeout = method.timeout ?? requestTimeout
        do {
            return .success(try await withDeadline(timeout) { try await method.handler(request, context) })
        } catch is CancellationError {
            return .failure(.cancelled(method: request.method))
        } catch is DeadlineExceeded {
            context.logger.warning("request timed out", metadata: ["rpc.timeout": "\(timeout)"])
            return .failure(.timeout(method: request.method, after: timeout))
        } catch let error as JSONRPCError {
            return .failure(error)
        } catch let error as any ReportableError {
            return .failure(JSONRPCError(reporting: error))
        } catch {
            context.logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
            return .failure(.internalError(method: request.method))
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// Counters and timers the server reports through swift-metrics.
///
/// Metric names: `fm_rpc_requests_total{method,outcome}`, `fm_rpc_request_duration_seconds{method}`,
/// `fm_rpc_rejected_total{code}` and `fm_rpc_connections`. Methods that are not registered are
/// counted as `method="unknown"`, so callers cannot grow the label set.
struct RPCServerMetrics: Sendable {
    let factory: any MetricsFactory

    func completed(method: String?, error: JSONRPCErrorCode?, duration: Duration) {
        let method = method ?? "unknown"
        let outcome = error.map { String($0.rawValue) } ?? "ok"
        Counter(label: "fm_rpc_requests_total", dimensions: [("method", method), ("outcome", outcome)], factory: factory)
            .increment()
        CoreMetrics.Timer(label: "fm_rpc_request_duration_seconds", dimensions: [("method", method)], factory: factory)
            .record(duration: duration)
    }

    func rejected(_ code: JSONRPCErrorCode) {
        Counter(label: "fm_rpc_rejected_total", dimensions: [("code", String(code.rawValue))], factory: factory)
            .increment()
    }

    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }

    private var connections: Meter { Meter(label: "fm_rpc_connections", factory: factory) }
}
