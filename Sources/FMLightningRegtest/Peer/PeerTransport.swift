import FMCore
import Foundation
import NIOCore
import NIOPosix

/// Frames on a peer connection: a 4-byte big-endian length, then that many bytes of JSON (at most 1 MiB).
struct LengthPrefixedFrames: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    static let maximumFrame: UInt32 = 1 << 20

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length <= Self.maximumFrame else { throw NodeError.peerProtocol("frame of \(length) bytes is too large") }
        guard buffer.readableBytes >= 4 + Int(length), let frame = buffer.getSlice(at: buffer.readerIndex + 4, length: Int(length))
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4 + Int(length))
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

typealias PeerChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// One authenticated connection to a peer; `send` may be called from any task.
final class PeerConnection: Sendable {
    let peer: NodeID
    let remoteHost: String
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    init(peer: NodeID, remoteHost: String, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.peer = peer
        self.remoteHost = remoteHost
        self.outbound = outbound
    }

    func send(_ message: PeerMessage) async throws { try await outbound.write(PeerWire.frame(message)) }
}

enum PeerWire {
    static let helloTag = "fm-ln-regtest/hello"

    static func frame(_ message: PeerMessage) throws -> ByteBuffer {
        let json = try JSONConventions.encoder().encode(message)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(json.count))
        buffer.writeBytes(json)
        return buffer
    }

    static func decode(_ frame: ByteBuffer) throws -> PeerMessage {
        try JSONConventions.decode(PeerMessage.self, from: Data(frame.readableBytesView), what: "peer message")
    }

    private static func prepare(_ channel: any Channel) throws -> PeerChannel {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LengthPrefixedFrames()))
        return try PeerChannel(wrappingChannelSynchronously: channel)
    }

    static func listen(host: String, port: Int) async throws -> NIOAsyncChannel<PeerChannel, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in channel.eventLoop.makeCompletedFuture { try prepare(channel) } }
    }

    static func dial(host: String, port: Int) async throws -> PeerChannel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in channel.eventLoop.makeCompletedFuture { try prepare(channel) } }
    }

    /// The signed hello both ways: returns the authenticated peer and its listening port. With `expected`, the peer
    /// must be that node (we dialed `id@host:port`).
    static func handshake(
        key: NodeKey, listenPort: Int, expected: NodeID?,
        inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> (peer: NodeID, listenPort: Int) {
        var challenge = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for index in challenge.indices { challenge[index] = UInt8.random(in: 0...255, using: &rng) }
        try await outbound.write(frame(.hello(.init(nodeId: key.id, listenPort: listenPort, challenge: Hex.encode(challenge)))))
        guard let first = try await inbound.next(), case .hello(let hello) = try decode(first),
            let theirChallenge = Hex.decode(hello.challenge), theirChallenge.count == 32
        else { throw NodeError.peerProtocol("expected hello") }
        if let expected, expected != hello.nodeId {
            throw NodeError.peerProtocol("peer is \(hello.nodeId), not \(expected)")
        }
        let proof = try key.sign(tag: helloTag, theirChallenge + key.id.bytes)
        try await outbound.write(frame(.helloProof(.init(signature: Hex.encode(proof)))))
        guard let second = try await inbound.next(), case .helloProof(let theirProof) = try decode(second),
            let signature = Hex.decode(theirProof.signature),
            NodeKey.verify(signature, tag: helloTag, challenge + hello.nodeId.bytes, by: hello.nodeId)
        else { throw NodeError.peerProtocol("bad hello signature") }
        return (hello.nodeId, hello.listenPort)
    }
}
