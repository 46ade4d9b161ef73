import NIOCore

/// The wire framing between guardians: a 4-byte big-endian payload length, then the payload.
///
/// A length above `maxFrameSize` is rejected as soon as its header arrives, before any of the payload is buffered,
/// so a peer cannot make us allocate more than one maximum-size frame per connection.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let headerSize = 4
    let maxFrameSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length <= maxFrameSize else {
            throw PeerNetworkError.frameTooLarge(size: Int(length), limit: maxFrameSize)
        }
        guard buffer.readableBytes >= Self.headerSize + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: Self.headerSize)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(frame))
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

enum FrameEncoder {
    /// One frame ready to write: header and payload in a single buffer.
    static func frame(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameDecoder.headerSize + payload.count)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }
}
