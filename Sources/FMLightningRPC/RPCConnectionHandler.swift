import Foundation
import NIOCore

/// One call on the wire: the request bytes, the id its answer will carry, and where the answer goes.
struct OutboundCall: Sendable {
    var id: String
    var method: String
    var bytes: [UInt8]
    var timeout: TimeAmount
    var promise: EventLoopPromise<[UInt8]>
}

/// Writes calls and matches the JSON objects coming back to them by id. Objects with an unknown id (a late answer
/// to a timed-out call, a notification) are dropped. When the connection closes, every waiting call fails with
/// ``LightningRPCError/connectionLost(method:)``.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundCall
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var method: String
        var promise: EventLoopPromise<[UInt8]>
        var timeout: Scheduled<Void>
    }

    private var framer = JSONObjectFramer()
    private var waiting: [String: Waiting] = [:]

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let seconds = Double(call.timeout.nanoseconds) / 1e9
        let timeout = context.eventLoop.scheduleTask(in: call.timeout) {
            bound.value.finish(id: call.id, with: .failure(LightningRPCError.timeout(method: call.method, seconds: seconds)))
        }
        waiting[call.id] = Waiting(method: call.method, promise: call.promise, timeout: timeout)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: call.bytes)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            for object in try framer.append(bytes) {
                guard let probe = try? JSONDecoder().decode(IDProbe.self, from: Data(object)), let id = probe.id else {
                    continue
                }
                finish(id: id.description, with: .success(object))
            }
        } catch {
            // The stream cannot be resynchronised after a framing error: drop the connection.
            failAll(with: { LightningRPCError.invalidResponse(method: $0, reason: "\(error)") })
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(with: { LightningRPCError.connectionLost(method: $0) })
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func finish(id: String, with result: Result<[UInt8], any Error>) {
        guard let entry = waiting.removeValue(forKey: id) else { return }
        entry.timeout.cancel()
        entry.promise.completeWith(result)
    }

    private func failAll(with error: (String) -> any Error) {
        let entries = waiting
        waiting = [:]
        for entry in entries.values {
            entry.timeout.cancel()
            entry.promise.fail(error(entry.method))
        }
    }

    private struct IDProbe: Decodable {
        var id: JSONRPCID?
    }
}
