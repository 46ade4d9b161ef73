internal import NIOCore

/// Joins WebSocket frames into messages while enforcing the request size limit.
///
/// A message larger than the limit is not buffered: its remaining frames are skipped and the
/// assembler reports ``Event/tooLarge(size:)`` once the final frame arrives, so the server can
/// answer with an error and keep the connection. (A single frame above the WebSocket layer's
/// hard frame limit closes the connection with code 1009 before it gets here.)
struct MessageAssembler {
    enum Kind: Sendable { case text, binary, continuation }

    enum Event: Equatable {
        case text(ByteBuffer)
        case binary
        case tooLarge(size: Int)
    }

    struct ProtocolViolation: Error, CustomStringConvertible {
        let description: String
    }

    let limit: Int
    private var kind: Kind?
    private var buffer = ByteBuffer()
    private var size = 0

    init(limit: Int) { self.limit = limit }

    /// Feeds one data frame; returns an event when it completed a message.
    mutating func receive(_ kind: Kind, data: ByteBuffer, fin: Bool) throws -> Event? {
        switch (kind, self.kind) {
        case (.continuation, nil):
            throw ProtocolViolation(description: "continuation frame without a message to continue")
        case (.text, .some), (.binary, .some):
            throw ProtocolViolation(description: "new message started before the previous one finished")
        case (.continuation, .some): break
        case (.text, nil), (.binary, nil):
            self.kind = kind
            size = 0
            buffer.clear()
        }
        size += data.readableBytes
        if size <= limit, self.kind == .text {
            var data = data
            buffer.writeBuffer(&data)
        }
        guard fin else { return nil }
        defer {
            self.kind = nil
            buffer = ByteBuffer()
        }
        if size > limit { return .tooLarge(size: size) }
        return self.kind == .text ? .text(buffer) : .binary
    }
}
