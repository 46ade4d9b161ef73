internal import NIOCore
internal import NIOHTTP1

/// The first handler of every API connection, next to the socket, so it sees raw bytes both ways. It
/// enforces what no protocol layer above it can:
///
/// - a connection over its address's cap is answered `429 Too Many Requests` and closed, before any of
///   its bytes reach the HTTP parser;
/// - a connection with no byte read or written for `idleTimeout` is closed (idle keep-alive, half-open, or
///   a request that never completes);
/// - a request that is not HTTP is answered `400 Bad Request` and closed (``BadRequestCatcher`` reports it);
/// - every close by the server is a lingering close: output is shut down (FIN) after the last response
///   and input is read and discarded until the peer closes or `lingerTimeout` passes. Closing a socket
///   with unread input makes the kernel send a reset, which destroys the response just written (the
///   WebSocket close frame 1009 after an oversized frame, the 400 after garbage).
final class ConnectionGuardHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    // Writes pass through unchanged (ByteBuffer or IOData); only this handler's own answers are wrapped.
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Timeouts {
        var idle: TimeAmount
        var linger: TimeAmount
    }

    /// Set when the connection is over its address's cap: the one-line reason sent with the 429.
    private let refusal: String?
    private let timeouts: Timeouts
    private var context: ChannelHandlerContext?
    private var started = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    private var wroteBytes = false
    private var inputClosed = false
    private var lingering = false

    init(refusal: String?, timeouts: Timeouts) {
        self.refusal = refusal
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        // A refused or closing connection's input is read only to be discarded.
        guard !lingering else { return }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if lingering {
            context.read()  // keep draining whatever autoRead setting the layers above chose
        } else {
            context.fireChannelReadComplete()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent {
            inputClosed = true
            if lingering {
                context.close(mode: .all, promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        wroteBytes = true
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all else {
            context.close(mode: mode, promise: promise)
            return
        }
        linger(context, promise: promise)
    }

    /// The peer sent something that is not HTTP: `400 Bad Request` unless an answer was already written
    /// on this connection (then only the close), and close.
    func rejectBadRequest() {
        guard let context, !lingering else { return }
        if wroteBytes {
            linger(context, promise: nil)
        } else {
            answer(context, status: "400 Bad Request", body: "the request is not valid HTTP/1.1")
        }
    }

    // MARK: -

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        lastActivity = .now()
        if let refusal {
            answer(context, status: "429 Too Many Requests", body: refusal)
        } else {
            scheduleIdleCheck(context, in: timeouts.idle)
        }
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, in delay: TimeAmount) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.checkIdle(context)
        }
    }

    private func checkIdle(_ context: ChannelHandlerContext) {
        guard !lingering, context.channel.isActive else { return }
        let idleUntil = lastActivity + timeouts.idle
        if idleUntil <= .now() {
            linger(context, promise: nil)
        } else {
            scheduleIdleCheck(context, in: idleUntil - .now())
        }
    }

    /// Writes a minimal HTTP/1.1 response straight to the socket and closes.
    private func answer(_ context: ChannelHandlerContext, status: String, body: String) {
        let text = body + "\n"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n" + text
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
        wroteBytes = true
        linger(context, promise: nil)
    }

    /// Shuts output down after what was written, drains input until the peer closes or the linger time ends.
    private func linger(_ context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if let promise { context.channel.closeFuture.cascade(to: promise) }
        guard !lingering else { return }
        lingering = true
        idleCheck?.cancel()
        guard context.channel.isActive, !inputClosed else {
            context.close(mode: .all, promise: nil)
            return
        }
        context.flush()
        context.close(mode: .output, promise: nil)
        context.read()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: timeouts.linger) {
            loopBound.value.close(mode: .all, promise: nil)
        }
    }
}

/// Sits after the HTTP decoder and tells the ``ConnectionGuardHandler`` when the decoder found bytes
/// that are not HTTP (the upgrade handler between them ignores errors, which held such a connection
/// open forever). Passes everything on untouched, so it stays harmless after a WebSocket upgrade.
final class BadRequestCatcher: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let guardHandler: ConnectionGuardHandler

    init(_ guardHandler: ConnectionGuardHandler) { self.guardHandler = guardHandler }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError { guardHandler.rejectBadRequest() }
        context.fireErrorCaught(error)
    }
}
