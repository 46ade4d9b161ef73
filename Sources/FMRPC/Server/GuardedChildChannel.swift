internal import HummingbirdCore
import Logging
internal import NIOCore

/// Hummingbird's HTTP/1 + WebSocket child channel with fm's connection guard in front of it
/// (``ConnectionGuardHandler``): the per-address connection cap, idle timeout, `400 Bad Request` for
/// non-HTTP input and lingering closes apply to every connection before any HTTP parsing.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let clients: RPCClientTable
    let timeouts: ConnectionGuardHandler.Timeouts

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = RPCClientTable.address(of: channel.remoteAddress)
        let refusal: String?
        if clients.openConnection(address) {
            refusal = nil
            channel.closeFuture.whenComplete { [clients] _ in clients.closeConnection(address) }
        } else {
            refusal = "too many connections from \(address) (limit \(clients.maxConnectionsPerAddress))"
            logger.debug("connection refused: per-address cap", metadata: ["rpc.client": .string(address)])
        }
        let guardHandler = ConnectionGuardHandler(refusal: refusal, timeouts: timeouts)
        do {
            try channel.pipeline.syncOperations.addHandler(guardHandler, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        // The catcher goes after the HTTP decoder the inner setup adds.
        return inner.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(BadRequestCatcher(guardHandler))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
