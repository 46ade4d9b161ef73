import FMCore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Core Lightning's JSON-RPC transport: JSON-RPC 2.0 objects over the unix socket `DIR/lightning-rpc`, one after
/// another with no other framing (a reader splits them by parsing); each reply is followed by "\n\n" as lightningd
/// writes it. Requests on one connection run concurrently and are answered in completion order (match by `id`).
public enum LightningRPCServer {
    public static func run(
        socketPath: String, methods: LightningRPCMethods, logger: Logger, ready: @escaping @Sendable () async -> Void
    ) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        chmod(socketPath, 0o600)
        await ready()
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    group.addTask { await serve(connection, methods: methods, logger: logger) }
                }
            }
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, methods: LightningRPCMethods, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var splitter = JSONObjectSplitter()
                try await withThrowingDiscardingTaskGroup { requests in
                    for try await chunk in inbound {
                        splitter.append(Array(chunk.readableBytesView))
                        guard splitter.buffered <= 16 << 20 else { throw NodeError.peerProtocol("request too large") }
                        while let object = splitter.next() {
                            requests.addTask {
                                let reply = await methods.handle(request: object)
                                try await outbound.write(ByteBuffer(bytes: reply + Array("\n\n".utf8)))
                            }
                        }
                    }
                }
            }
        } catch {
            logger.debug("RPC connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Splits a byte stream into top-level JSON objects by tracking braces outside strings.
public struct JSONObjectSplitter: Sendable {
    private var bytes: [UInt8] = []
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var start: Int?

    public init() {}

    public var buffered: Int { bytes.count }

    public mutating func append(_ more: [UInt8]) { bytes += more }

    /// The next complete object, or `nil` until more bytes arrive.
    public mutating func next() -> [UInt8]? {
        while scanned < bytes.count {
            let byte = bytes[scanned]
            scanned += 1
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 0 { start = scanned - 1 }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0, let begin = start {
                    let object = Array(bytes[begin..<scanned])
                    bytes.removeFirst(scanned)
                    scanned = 0
                    start = nil
                    return object
                }
                if depth < 0 { depth = 0 }
            default: break
            }
        }
        return nil
    }
}
