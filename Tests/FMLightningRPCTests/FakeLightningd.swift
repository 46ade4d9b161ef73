import FMLightningRPC
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A stand-in for lightningd's `lightning-rpc` socket: reads JSON-RPC requests as lightningd does (objects back to
/// back) and answers each as the test's `respond` says, writing the answer in small pieces followed by "\n\n"
/// (lightningd's separator) so that the client's framing is exercised.
final class FakeLightningd: Sendable {
    enum Reply: Sendable {
        /// `result` as JSON text.
        case result(String)
        case error(code: Int, message: String, data: String?)
        /// Never answer (for timeouts).
        case silence
        /// Close the connection without answering.
        case hangUp
    }

    struct Request: Sendable {
        var method: String
        /// The request object as received.
        var json: [UInt8]
    }

    let socketPath: String
    private let server: any Channel
    private let received = NIOLockedValueBox<[Request]>([])

    init(socketPath: String, respond: @escaping @Sendable (Request) -> Reply) async throws {
        try? FileManager.default.removeItem(atPath: socketPath)
        self.socketPath = socketPath
        let received = self.received
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(respond: { request in
                            received.withLockedValue { $0.append(request) }
                            return respond(request)
                        }))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).get()
    }

    var requests: [Request] { received.withLockedValue { $0 } }

    func stop() async throws {
        try await server.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let respond: @Sendable (Request) -> Reply
        var framer = JSONObjectFramer()

        init(respond: @escaping @Sendable (Request) -> Reply) { self.respond = respond }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            guard let objects = try? framer.append(bytes) else { return context.close(promise: nil) }
            for object in objects {
                guard let json = try? JSONSerialization.jsonObject(with: Data(object)) as? [String: Any],
                    let method = json["method"] as? String
                else { continue }
                let idJSON = String(decoding: try! JSONSerialization.data(withJSONObject: json["id"] ?? NSNull(), options: .fragmentsAllowed), as: UTF8.self)
                let body: String
                switch respond(Request(method: method, json: object)) {
                case .result(let result):
                    body = "{\"jsonrpc\":\"2.0\",\"id\":\(idJSON),\"result\":\(result)}\n\n"
                case .error(let code, let message, let data):
                    let messageJSON = String(decoding: try! JSONSerialization.data(withJSONObject: message, options: .fragmentsAllowed), as: UTF8.self)
                    let dataPart = data.map { ",\"data\":\($0)" } ?? ""
                    body = "{\"jsonrpc\":\"2.0\",\"id\":\(idJSON),\"error\":{\"code\":\(code),\"message\":\(messageJSON)\(dataPart)}}\n\n"
                case .silence: continue
                case .hangUp:
                    context.close(promise: nil)
                    return
                }
                // Small pieces: the client must reassemble objects across reads.
                let utf8 = Array(body.utf8)
                for start in stride(from: 0, to: utf8.count, by: 97) {
                    let piece = utf8[start..<min(start + 97, utf8.count)]
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: piece)), promise: nil)
                }
            }
        }
    }
}

/// A short socket path in a fresh directory (sun_path is small).
func temporarySocketPath() throws -> String {
    let directory = "/tmp/fm-ln-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/lightning-rpc"
}
