import FMCore
import Foundation
import Prometheus
import Testing

@testable import FMRPC

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("JSON-RPC server and client on 127.0.0.1")
struct ServerTests {
    typealias Echo = TestMethods.Echo
    typealias EchoResult = TestMethods.EchoResult

    @Test func typedRoundTripUsesSnakeCase() async throws {
        try await withServer { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let result = try await client.call("echo", params: Echo(text: "ab", repeatCount: 3), as: EchoResult.self)
            #expect(result == EchoResult(echoed: "ababab", repeatCount: 3))
            let count: Int = try await client.call("count")
            #expect(count == 42)
            // The wire spelling is snake_case.
            try await withRawWebSocket(port: port) { session in
                let answer = try await session.exchange(
                    #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"text":"x","repeat_count":2}}"#)
                #expect(answer == #"{"id":1,"jsonrpc":"2.0","result":{"echoed":"xx","repeat_count":2}}"#)
            }
        }
    }

    @Test func concurrentCallsOnOneConnectionCompleteOutOfOrder() async throws {
        try await withServer { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let order = CompletionOrder()
            async let slow: TestMethods.Slept = {
                let slept = try await client.call("sleep", params: TestMethods.Sleep(milliseconds: 600, tag: "slow"), as: TestMethods.Slept.self)
                await order.record(slept.tag)
                return slept
            }()
            try await Task.sleep(for: .milliseconds(50))  // "slow" is sent first
            let fast = try await client.call("sleep", params: TestMethods.Sleep(milliseconds: 10, tag: "fast"), as: TestMethods.Slept.self)
            await order.record(fast.tag)
            let slowResult = try await slow
            #expect(await order.tags == ["fast", "slow"])
            #expect(slowResult.tag == "slow")
            #expect(fast.connectionId == slowResult.connectionId)

            // Many at once, each answer matched to its own call.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let slept = try await client.call(
                            "sleep", params: TestMethods.Sleep(milliseconds: (40 - index) * 3, tag: "t\(index)"),
                            as: TestMethods.Slept.self)
                        #expect(slept.tag == "t\(index)")
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func standardErrorCodesOnTheWire() async throws {
        try await withServer { port in
            try await withRawWebSocket(port: port) { session in
                let parse = try WireError(try #require(await session.exchange(#"{"jsonrpc":"2.0","#)))
                #expect(parse.error.code == -32700)
                #expect(parse.id == .null)

                let version = try WireError(try #require(await session.exchange(#"{"jsonrpc":"1.0","method":"count","id":1}"#)))
                #expect(version.error.code == -32600)
                #expect(version.id == .number(1))
                #expect(version.error.data?.field == "jsonrpc")

                let unknown = try WireError(try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"nope","id":2}"#)))
                #expect(unknown.error.code == -32601)
                #expect(unknown.error.data?.code == "method_not_found")

                let missing = try WireError(
                    try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"echo","id":3,"params":{"text":"x"}}"#)))
                #expect(missing.error.code == -32602)
                #expect(missing.error.data?.field == "params.repeat_count")
                #expect(missing.id == .number(3))

                let wrongType = try WireError(
                    try #require(
                        await session.exchange(#"{"jsonrpc":"2.0","method":"echo","id":"w","params":{"text":5,"repeat_count":1}}"#)))
                #expect(wrongType.error.code == -32602)
                #expect(wrongType.error.data?.field == "params.text")
                #expect(wrongType.id == .string("w"))

                let positional = try WireError(
                    try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"echo","id":10,"params":["x",1]}"#)))
                #expect(positional.error.code == -32602)
                #expect(positional.error.data?.field == "params")

                let extra = try WireError(
                    try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"count","id":4,"params":{"x":1}}"#)))
                #expect(extra.error.code == -32602)

                // Two keys naming one field (review 13): refused, not read as whichever came first.
                let colliding = try WireError(
                    try #require(
                        await session.exchange(
                            #"{"jsonrpc":"2.0","method":"echo","id":11,"params":{"text":"x","repeat_count":1,"repeatCount":2}}"#)))
                #expect(colliding.error.code == -32602)
                #expect(colliding.error.data?.field == "params")

                let crash = try WireError(try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"crash","id":5}"#)))
                #expect(crash.error.code == -32603)
                #expect(!crash.error.message.contains("Unexpected"))  // internals are logged, not sent

                let domain = try WireError(try #require(await session.exchange(#"{"jsonrpc":"2.0","method":"reject_amount","id":6}"#)))
                #expect(domain.error.code == 1002)
                #expect(domain.error.data == ErrorReport(
                    code: "invalid_input", category: .badInput, message: "amount: expected a positive amount of msat", field: "amount"))

                let batch = try WireError(try #require(await session.exchange(#"[{"jsonrpc":"2.0","method":"count","id":7}]"#)))
                #expect(batch.error.code == -32600)

                // A notification gets no answer: the next message is the answer to the next request.
                try await session.outbound.write(.text(#"{"jsonrpc":"2.0","method":"count"}"#))
                #expect(try await session.exchange(#"{"jsonrpc":"2.0","method":"count","id":8}"#) == #"{"id":8,"jsonrpc":"2.0","result":42}"#)
            }
        }
    }

    @Test func clientSurfacesServerErrors() async throws {
        try await withServer { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let error = await #expect(throws: JSONRPCClientError.self) {
                let _: Int = try await client.call("nope")
            }
            #expect(error?.serverError?.code == .methodNotFound)
            #expect(error?.category == .badInput)

            let domain = await #expect(throws: JSONRPCClientError.self) {
                let _: Int = try await client.call("reject_amount")
            }
            #expect(domain?.code == "invalid_input")
            #expect(domain?.field == "amount")
            #expect(domain?.category == .badInput)

            let timeout = await #expect(throws: JSONRPCClientError.self) {
                let _: Int = try await client.call("hang")
            }
            #expect(timeout?.serverError?.code == .timeout)
            #expect(timeout?.category == .unreachable)

            // The connection is still good after errors.
            let count = try await client.call("count", as: Int.self)
            #expect(count == 42)
        }
    }

    @Test func introspectionListsTheMethods() async throws {
        try await withServer { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let methods = try await client.call("rpc.methods", as: [RPCMethodDescription].self)
            #expect(methods.map(\.name) == ["count", "crash", "echo", "hang", "reject_amount", "rpc.methods", "sleep", "submit"])
            let echo = try #require(methods.first { $0.name == "echo" })
            #expect(echo.summary == "Repeats text")
            #expect(echo.params.hasSuffix("Echo"))
            #expect(methods.first { $0.name == "hang" }?.timeoutSeconds == 0.2)
        }
    }

    @Test func oversizedRequestsGetAnErrorAndTheServerKeepsServing() async throws {
        try await withServer(configure: { $0.maxRequestBytes = 1024 }) { port in
            let padding = String(repeating: "a", count: 1500)
            let oversized = #"{"jsonrpc":"2.0","method":"echo","id":1,"params":{"text":"\#(padding)","repeat_count":1}}"#
            try await withRawWebSocket(port: port) { session in
                let tooLarge = try WireError(try #require(await session.exchange(oversized)))
                #expect(tooLarge.error.code == -32001)
                #expect(tooLarge.error.data?.code == "request_too_large")
                // Same connection, still usable; a fragmented oversized message is refused the same way.
                #expect(try await session.exchange(#"{"jsonrpc":"2.0","method":"count","id":2}"#) == #"{"id":2,"jsonrpc":"2.0","result":42}"#)
                try await session.sendFragmented(oversized, pieces: 4)
                #expect(try WireError(try #require(await session.next())).error.code == -32001)
                #expect(try await session.exchange(#"{"jsonrpc":"2.0","method":"count","id":3}"#) == #"{"id":3,"jsonrpc":"2.0","result":42}"#)
            }
            // A frame beyond the hard frame limit (2 x 1024) closes that connection with 1009 ...
            let huge = String(repeating: "b", count: 5000)
            let close = try await withRawWebSocket(port: port) { session in
                try await session.outbound.write(.text(huge))
                #expect(try await session.next() == nil)
            }
            #expect(close?.closeCode == .messageTooLarge)
            // ... and the server serves the next connection.
            let client = JSONRPCClient(url: webSocketURL(port))
            let count = try await client.call("count", as: Int.self)
            #expect(count == 42)
        }
    }

    @Test func rateLimitKicksIn() async throws {
        try await withServer(configure: { $0.rateLimit = .init(burst: 5, perSecond: 1) }) { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let outcomes = try await withThrowingTaskGroup(of: JSONRPCErrorCode?.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await client.call("count", as: Int.self)
                            return nil
                        } catch let error as JSONRPCClientError {
                            return try #require(error.serverError).code
                        }
                    }
                }
                return try await group.reduce(into: [JSONRPCErrorCode?]()) { $0.append($1) }
            }
            let succeeded = outcomes.filter { $0 == nil }.count
            #expect((5...6).contains(succeeded))
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .rateLimited })
        }
    }

    @Test func inFlightCapRejectsExcessRequests() async throws {
        try await withServer(configure: { $0.maxInFlightPerConnection = 2 }) { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let outcomes = try await withThrowingTaskGroup(of: JSONRPCErrorCode?.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        do {
                            _ = try await client.call(
                                "sleep", params: TestMethods.Sleep(milliseconds: 700, tag: "\(index)"), as: TestMethods.Slept.self)
                            return nil
                        } catch let error as JSONRPCClientError {
                            return try #require(error.serverError).code
                        }
                    }
                }
                return try await group.reduce(into: [JSONRPCErrorCode?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 2)
            #expect(outcomes.filter { $0 == .tooManyInFlight }.count == 3)
        }
    }

    @Test func shutdownIsCleanWithALongPollInFlight() async throws {
        let started = ContinuousClock.now
        let (port, longPoll) = try await withServer { port in
            let client = JSONRPCClient(url: webSocketURL(port))
            let count = try await client.call("count", as: Int.self)
            #expect(count == 42)
            let longPoll = Task {
                try await client.call(
                    "sleep", params: TestMethods.Sleep(milliseconds: 60_000, tag: "poll"), as: TestMethods.Slept.self)
            }
            try await Task.sleep(for: .milliseconds(100))  // the poll is in flight
            return (port, longPoll)
        }
        // withServer returned: the service group stopped without error, and did not wait for the poll.
        #expect(ContinuousClock.now - started < .seconds(10))
        let pollError = await #expect(throws: JSONRPCClientError.self) { try await longPoll.value }
        #expect(pollError?.category == .unreachable)

        // The port is closed now: a new client reports the guardian as unreachable.
        let after = JSONRPCClient(url: webSocketURL(port), configuration: .init(callTimeout: .seconds(5)))
        let error = await #expect(throws: JSONRPCClientError.self) {
            _ = try await after.call("count", as: Int.self)
        }
        #expect(error?.category == .unreachable)
        #expect(error?.code == "unreachable")
    }

    @Test func clientReconnectsOnTheNextCallAfterADrop() async throws {
        let port = try await withServer { port in port }
        let client = JSONRPCClient(url: webSocketURL(port), configuration: .init(callTimeout: .seconds(5)))
        try await withServer(port: port) { _ in
            let count = try await client.call("count", as: Int.self)
            #expect(count == 42)
        }
        let dropped = await #expect(throws: JSONRPCClientError.self) {
            _ = try await client.call("count", as: Int.self)
        }
        #expect(dropped?.category == .unreachable)
        try await withServer(port: port) { _ in
            let count = try await client.call("count", as: Int.self)
            #expect(count == 42)
        }
    }

    @Test func httpRoutesServeStatusMetricsAndRPC() async throws {
        let prometheus = PrometheusCollectorRegistry()
        try await withServer(
            configure: { $0.maxRequestBytes = 512 },
            statusPage: { .html("<h1>guardian 0</h1>") },
            prometheus: prometheus
        ) { port in
            let post = try await http(
                "POST", port: port, path: "/rpc",
                body: Data(#"{"jsonrpc":"2.0","method":"echo","id":9,"params":{"text":"hi","repeat_count":2}}"#.utf8))
            #expect(post.status == 200)
            #expect(post.contentType == "application/json")
            #expect(String(decoding: post.body, as: UTF8.self) == #"{"id":9,"jsonrpc":"2.0","result":{"echoed":"hihi","repeat_count":2}}"#)

            let bad = try await http("POST", port: port, path: "/rpc", body: Data("{oops".utf8))
            #expect(try WireError(String(decoding: bad.body, as: UTF8.self)).error.code == -32700)

            let notification = try await http("POST", port: port, path: "/rpc", body: Data(#"{"jsonrpc":"2.0","method":"count"}"#.utf8))
            #expect(notification.status == 204)

            let huge = try await http("POST", port: port, path: "/rpc", body: Data(String(repeating: " ", count: 4096).utf8))
            #expect(huge.status == 413)
            #expect(try WireError(String(decoding: huge.body, as: UTF8.self)).error.code == -32001)

            let status = try await http("GET", port: port, path: "/")
            #expect(status.status == 200)
            #expect(status.contentType?.hasPrefix("text/html") == true)
            #expect(String(decoding: status.body, as: UTF8.self) == "<h1>guardian 0</h1>")

            let metrics = try await http("GET", port: port, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.contentType?.hasPrefix("text/plain") == true)
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(text.contains(#"fm_rpc_requests_total{method="echo",outcome="ok"} 1"#))
            #expect(text.contains("fm_rpc_rejected_total"))
        }
    }

    @Test func metricsRouteIsAbsentWithoutARegistry() async throws {
        try await withServer { port in
            #expect(try await http("GET", port: port, path: "/metrics").status == 404)
            let status = try await http("GET", port: port, path: "/")
            #expect(String(decoding: status.body, as: UTF8.self).contains("\"rpc.methods\""))
        }
    }
}

actor CompletionOrder {
    private(set) var tags: [String] = []
    func record(_ tag: String) { tags.append(tag) }
}

@Suite("JSON-RPC client against a hung server")
struct HungServerTests {
    @Test func callsTimeOutAndDoNotWaitForAHungHandshake() async throws {
        let listener = try SilentListener()
        let client = JSONRPCClient(
            url: webSocketURL(listener.port), configuration: .init(callTimeout: .milliseconds(300)))
        for _ in 0..<2 {
            let started = ContinuousClock.now
            let error = await #expect(throws: JSONRPCClientError.self) {
                _ = try await client.call("count", as: Int.self)
            }
            #expect(error?.code == "timeout")
            #expect(error?.category == .unreachable)
            #expect(ContinuousClock.now - started < .seconds(3))
        }
        withExtendedLifetime(listener) {}
    }
}
