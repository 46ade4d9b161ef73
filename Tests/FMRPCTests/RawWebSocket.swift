import HummingbirdWSClient
import Logging
import NIOCore

/// A WebSocket session that sends hand-written text, for tests of what the server does with
/// malformed or oversized input.
struct RawSession {
    var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    /// Sends `text` as one frame and returns the next message.
    mutating func exchange(_ text: String) async throws -> String? {
        try await outbound.write(.text(text))
        return try await next()
    }

    mutating func next() async throws -> String? {
        guard let message = try await messages.next() else { return nil }
        guard case .text(let text) = message else { return nil }
        return text
    }

    /// Sends `text` as a fragmented message of `pieces` frames.
    func sendFragmented(_ text: String, pieces: Int) async throws {
        let bytes = Array(text.utf8)
        let size = (bytes.count + pieces - 1) / pieces
        try await outbound.withTextMessageWriter { writer in
            for start in stride(from: 0, to: bytes.count, by: size) {
                try await writer(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
            }
        }
    }
}

/// Connects to the server, runs `body`, and returns the close frame the server sent, if any.
@discardableResult
func withRawWebSocket(
    port: Int, _ body: @escaping @Sendable (inout RawSession) async throws -> Void
) async throws -> WebSocketCloseFrame? {
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)/", configuration: .init(maxFrameSize: 1 << 20), logger: Logger(label: "fm.rpc.test.raw")
    ) { inbound, outbound, _ in
        var session = RawSession(messages: inbound.messages(maxSize: 1 << 20).makeAsyncIterator(), outbound: outbound)
        try await body(&session)
    }
}
