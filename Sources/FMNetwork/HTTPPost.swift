import NIOCore
import NIOHTTP1
import NIOPosix

/// The reply to one HTTP request.
public struct HTTPReply: Sendable {
    public var status: Int
    public var body: [UInt8]
}

/// A minimal HTTP/1.1 client for JSON bodies (bitcoind's JSON-RPC, a gateway's API): one connection per request, `Connection: close`,
/// whole body buffered (replies are bounded by ``maximumBodySize``).
public enum HTTPPost {
    public static let maximumBodySize = 64 << 20

    /// POSTs `body` to `host:port` `path` with the given headers.
    /// - Throws: NIO or `HTTPPostError` errors; the caller maps them to transport errors.
    public static func send(
        host: String, port: Int, path: String, headers: [(String, String)], body: [UInt8],
        timeout: TimeAmount
    ) async throws -> HTTPReply {
        try await withThrowingTaskGroup(of: HTTPReply.self) { group in
            group.addTask { try await exchange(host: host, port: port, path: path, headers: headers, body: body) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                throw HTTPPostError.timedOut(seconds: Int(timeout.nanoseconds / 1_000_000_000))
            }
            let reply = try await group.next()!
            group.cancelAll()
            return reply
        }
    }

    private static func exchange(
        host: String, port: Int, path: String, headers: [(String, String)], body: [UInt8]
    ) async throws -> HTTPReply {
        let channel = try await ClientBootstrap(group: ClientEventLoop.group)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
                head.headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
                head.headers.add(name: "Content-Length", value: String(body.count))
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                // One write for the whole request. A server may answer and close as soon as it has the body (the
                // end part puts nothing on the wire for a Content-Length request); NIO then closes this channel on
                // the EOF, so a separate later write of `.end` failed with "connection closed" although the reply
                // had arrived (the CI flake of "bitcoin node … unreachable: connection closed"). A failed write
                // still reads on: the reply decides, the write error only when no reply came.
                var writeError: (any Error)?
                do {
                    try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
                } catch { writeError = error }

                var status: Int?
                var received = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead): status = Int(responseHead.status.code)
                    case .body(var chunk):
                        guard received.readableBytes + chunk.readableBytes <= maximumBodySize else {
                            throw HTTPPostError.bodyTooLarge
                        }
                        received.writeBuffer(&chunk)
                    case .end:
                        guard let status else { throw writeError ?? HTTPPostError.noResponseHead }
                        return HTTPReply(status: status, body: Array(received.readableBytesView))
                    }
                }
                throw writeError ?? HTTPPostError.connectionClosedEarly
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }
}

public enum HTTPPostError: Error, CustomStringConvertible {
    case timedOut(seconds: Int)
    case bodyTooLarge
    case noResponseHead
    case connectionClosedEarly

    public var description: String {
        switch self {
        case .timedOut(let seconds): return "no reply within \(seconds) s"
        case .bodyTooLarge: return "reply larger than \(HTTPPost.maximumBodySize) bytes"
        case .noResponseHead: return "reply ended without an HTTP status line"
        case .connectionClosedEarly: return "connection closed before the reply was complete"
        }
    }
}
