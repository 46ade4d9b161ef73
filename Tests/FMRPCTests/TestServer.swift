import FMCore
import FMRPC
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Test methods, registered the way fm-node modules register theirs.
enum TestMethods {
    struct Echo: Codable, Equatable, Sendable {
        var text: String
        var repeatCount: Int
    }

    struct EchoResult: Codable, Equatable, Sendable {
        var echoed: String
        var repeatCount: Int
    }

    struct Sleep: Codable, Sendable {
        var milliseconds: Int
        var tag: String
    }

    struct Slept: Codable, Sendable {
        var tag: String
        var connectionId: UInt64
    }

    struct Unexpected: Error {}

    static func registry() -> RPCMethodRegistry {
        var registry = RPCMethodRegistry()
        registry.register("echo", summary: "Repeats text") { (params: Echo, _) -> EchoResult in
            EchoResult(
                echoed: String(repeating: params.text, count: max(0, params.repeatCount)), repeatCount: params.repeatCount)
        }
        registry.register("sleep", summary: "Answers after a delay") { (params: Sleep, context) -> Slept in
            try await Task.sleep(for: .milliseconds(params.milliseconds))
            return Slept(tag: params.tag, connectionId: context.connectionID)
        }
        registry.register("count") { (_: NoParams, _) -> Int in 42 }
        registry.register("submit", cost: 10) { (_: NoParams, _) -> Int in 7 }
        registry.register("reject_amount") { (_: NoParams, _) -> Int in
            throw InvalidInput(field: "amount", expected: "a positive amount of msat")
        }
        registry.register("crash") { (_: NoParams, _) -> Int in throw Unexpected() }
        registry.register("hang", timeout: .milliseconds(200)) { (_: NoParams, _) -> Int in
            try await Task.sleep(for: .seconds(3600))
            return 0
        }
        return registry
    }
}

/// Runs an ``RPCServer`` on an ephemeral port of 127.0.0.1 inside a `ServiceGroup` for the
/// duration of `body`, then shuts it down gracefully and checks that it stopped without error.
@discardableResult
func withServer<T: Sendable>(
    registry: RPCMethodRegistry = TestMethods.registry(),
    port: Int = 0,
    configure: (inout RPCServer.Configuration) -> Void = { _ in },
    statusPage: (@Sendable () async -> RPCStatusPage)? = nil,
    prometheus: PrometheusCollectorRegistry? = nil,
    _ body: @Sendable (_ port: Int) async throws -> T
) async throws -> T {
    var configuration = RPCServer.Configuration(host: "127.0.0.1", port: port)
    configure(&configuration)
    let logger = Logger(label: "fm.rpc.test")
    let server = RPCServer(
        registry: registry, configuration: configuration, statusPage: statusPage, prometheus: prometheus,
        metricsFactory: prometheus.map(RPCMetricsBootstrap.factory(for:)), logger: logger)
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            let port = try await server.listeningPort()
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.next()
        return try result.get()
    }
}

func webSocketURL(_ port: Int) -> String { "ws://127.0.0.1:\(port)/" }

/// One HTTP exchange with the server.
func http(_ method: String, port: Int, path: String, body: Data? = nil) async throws -> (status: Int, body: Data, contentType: String?) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    request.httpBody = body
    if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    return (http.statusCode, data, http.value(forHTTPHeaderField: "Content-Type"))
}

/// A decoded error response, for tests that look at the raw wire.
struct WireError: Decodable, Equatable {
    struct ErrorObject: Decodable, Equatable {
        var code: Int
        var message: String
        var data: ErrorReport?
    }

    var jsonrpc: String
    var id: JSONRPCID
    var error: ErrorObject

    init(_ text: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    }
}
