import FMCore
import FMTesting
import Foundation
import Testing

@testable import FMRPC

/// What the server does below JSON-RPC, seen from real sockets on loopback: per-address connection caps
/// and limits (127.0.0.2 plays the greedy client, 127.0.0.1 the honest one), garbage, idle and half-open
/// connections, and how an oversized WebSocket frame ends.
@Suite("Connection guard on 127.0.0.0/8")
struct ConnectionGuardTests {
    static let count = #"{"jsonrpc":"2.0","method":"count","id":1}"#
    static let submit = #"{"jsonrpc":"2.0","method":"submit","id":1}"#

    @Test func anAddressOverItsConnectionCapIsRefusedWhileAnotherIsServed() async throws {
        try await withServer(configure: { $0.maxConnectionsPerAddress = 2 }) { port in
            let held = try (0..<2).map { _ in try RawTCPClient(port: port, from: "127.0.0.2") }
            try await Task.sleep(for: .milliseconds(200))  // both counted by the server
            let third = try RawTCPClient(port: port, from: "127.0.0.2")
            let refused = third.readUntilClosed(timeout: .seconds(5))
            let text = String(decoding: refused.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 429"), "\(text)")
            #expect(text.contains("too many connections from 127.0.0.2 (limit 2)"))
            #expect(refused.end == .closed)

            let served = try rawRPC(port: port, from: "127.0.0.1", Self.count)
            #expect(served.hasPrefix("HTTP/1.1 200"), "\(served)")
            #expect(served.hasSuffix(#"{"id":1,"jsonrpc":"2.0","result":42}"#))
            withExtendedLifetime(held) {}
        }
    }

    @Test func oneHTTPClientFloodingDoesNotLockOutAnother() async throws {
        try await withServer(configure: { $0.rateLimit = .init(burst: 5, perSecond: 1) }) { port in
            var limited = 0
            for _ in 0..<12 {
                let answer = try rawRPC(port: port, from: "127.0.0.2", Self.count)
                if answer.contains(#""code":"rate_limited""#) { limited += 1 }
            }
            #expect(limited >= 6)
            let other = try rawRPC(port: port, from: "127.0.0.1", Self.count)
            #expect(other.hasSuffix(#"{"id":1,"jsonrpc":"2.0","result":42}"#), "\(other)")
        }
    }

    @Test func theCostBudgetIsPerAddressAcrossConnections() async throws {
        try await withServer(configure: { $0.clientBudget = .init(burst: 25, perSecond: 0.5) }) { port in
            // Two WebSocket connections from 127.0.0.1 share one budget: 2 submits (10 each) fit, a third does not.
            let first = JSONRPCClient(url: webSocketURL(port))
            let second = JSONRPCClient(url: webSocketURL(port))
            #expect(try await first.call("submit", as: Int.self) == 7)
            #expect(try await second.call("submit", as: Int.self) == 7)
            let error = await #expect(throws: JSONRPCClientError.self) { _ = try await first.call("submit", as: Int.self) }
            #expect(error?.code == "rate_limited")
            #expect(error?.description.contains("request budget of this client address") == true)
            // A cheap query still fits in what is left; another address has its own budget.
            #expect(try await second.call("count", as: Int.self) == 42)
            let other = try rawRPC(port: port, from: "127.0.0.2", Self.submit)
            #expect(other.hasSuffix(#"{"id":1,"jsonrpc":"2.0","result":7}"#), "\(other)")
            await first.close()
            await second.close()
        }
    }

    @Test func garbageGetsBadRequestAndIsClosed() async throws {
        try await withServer { port in
            let client = try RawTCPClient(port: port)
            try client.send([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00] + Array("\u{1}garbage\r\n\r\n".utf8))
            let answer = client.readUntilClosed(timeout: .seconds(5))
            let text = String(decoding: answer.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request"), "\(text)")
            #expect(answer.end == .closed)
        }
    }

    @Test func idleAndHalfOpenConnectionsAreClosedAfterTheIdleTimeout() async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(1) }) { port in
            let started = ContinuousClock.now
            let silent = try RawTCPClient(port: port)
            let unfinished = try RawTCPClient(port: port)
            try unfinished.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let halfOpen = try RawTCPClient(port: port)
            try halfOpen.send("POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            halfOpen.shutdownWrite()
            for client in [silent, unfinished, halfOpen] {
                #expect(client.readUntilClosed(timeout: .seconds(5)).end != .stillOpen)
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            // A connection with traffic is served as usual.
            let client = JSONRPCClient(url: webSocketURL(port))
            let slept = try await client.call(
                "sleep", params: TestMethods.Sleep(milliseconds: 400, tag: "a"), as: TestMethods.Slept.self)
            #expect(slept.tag == "a")
            await client.close()
        }
    }

    /// A client sends one frame claiming 16 MiB (the limit is 2 KiB) and keeps sending its payload: it
    /// receives close frame 1009 and then a clean close, never a reset (which used to destroy the close frame).
    @Test func anOversizedFrameEndsWithCloseCode1009AndAFIN() async throws {
        try await withServer(configure: { $0.maxRequestBytes = 1024 }) { port in
            let client = try RawTCPClient(port: port)
            try client.send(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))  // the 101 is sent; the frame goes to the WebSocket
            let length = UInt64(16 << 20)
            var header: [UInt8] = [0x81, 0x80 | 127]
            header += (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
            header += [1, 2, 3, 4]  // the mask key
            try client.send(header)
            let chunk = [UInt8](repeating: 0x61, count: 1 << 16)
            for _ in 0..<64 { try client.send(chunk) }  // 4 MiB more than the server will ever read as a frame
            let answer = client.readUntilClosed(timeout: .seconds(10))
            let closeFrame: [UInt8] = [0x88, 0x02, 0x03, 0xF1]  // close, 2 bytes: 1009
            #expect(answer.bytes.starts(with: Array("HTTP/1.1 101".utf8)))
            let closeAt = (0...max(0, answer.bytes.count - 4)).first { Array(answer.bytes.dropFirst($0).prefix(4)) == closeFrame }
            #expect(closeAt != nil, "no close frame 1009 in \(answer.bytes.count) bytes")
            #expect(answer.end == .closed)
        }
    }
}
