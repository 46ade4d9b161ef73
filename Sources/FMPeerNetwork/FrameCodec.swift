import NIOCore

/// The wire framing between guardians: a 4-byte big-endian header, then the payload. The header's top bit marks a
/// **control frame** (the link's own ping and pong, ``LinkProbe``), the other 31 bits are the payload length.
///
/// A length above `maxFrameSize` (``ControlFrame/maxSize`` for control frames) is rejected as soon as its header
/// arrives, before any of the payload is buffered, so a peer cannot make us allocate more than one maximum-size
/// frame per connection.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = WireFrame

    static let headerSize = 4
    static let controlBit: UInt32 = 1 << 31
    let maxFrameSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let header = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        let isControl = header & Self.controlBit != 0
        let length = Int(header & ~Self.controlBit)
        let limit = isControl ? ControlFrame.maxSize : maxFrameSize
        guard length <= limit else { throw PeerNetworkError.frameTooLarge(size: length, limit: limit) }
        guard buffer.readableBytes >= Self.headerSize + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: Self.headerSize)
        let payload = buffer.readSlice(length: length)!
        context.fireChannelRead(wrapInboundOut(WireFrame(isControl: isControl, payload: payload)))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A truncated last frame is discarded: the peer closed mid-frame.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// One decoded frame: a data frame goes on to the link's reader, a control frame stays in ``LinkProbe``.
struct WireFrame {
    var isControl: Bool
    var payload: ByteBuffer
}

enum FrameEncoder {
    /// One data frame ready to write: header and payload in a single buffer.
    static func frame(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameDecoder.headerSize + payload.count)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }

    /// One control frame (a ping or pong).
    static func control(_ frame: ControlFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameDecoder.headerSize + ControlFrame.size)
        buffer.writeInteger(UInt32(ControlFrame.size) | FrameDecoder.controlBit)
        buffer.writeInteger(frame.kind.rawValue)
        buffer.writeInteger(frame.nonce)
        return buffer
    }
}

/// A ping or a pong: one kind byte and the 8-byte nonce the pong echoes.
struct ControlFrame: Equatable {
    enum Kind: UInt8 {
        case ping = 1
        case pong = 2
    }

    static let size = 9
    /// The largest control payload accepted (room for later kinds; unknown ones are ignored).
    static let maxSize = 64

    var kind: Kind
    var nonce: UInt64

    init(kind: Kind, nonce: UInt64) {
        self.kind = kind
        self.nonce = nonce
    }

    /// Nil for a kind this version does not know (ignored, so a later version may add kinds).
    init?(_ payload: ByteBuffer) {
        var payload = payload
        guard let raw = payload.readInteger(as: UInt8.self), let kind = Kind(rawValue: raw),
            let nonce = payload.readInteger(as: UInt64.self)
        else { return nil }
        self.init(kind: kind, nonce: nonce)
    }
}
