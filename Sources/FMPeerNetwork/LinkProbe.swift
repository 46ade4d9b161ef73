import NIOCore
import NIOTLS

/// Measures a link's round-trip time with ping and pong control frames (``ControlFrame``), inside the channel
/// pipeline. Only on a link whose TLS handshake negotiated ``PinnedTLS/probeProtocol`` (both sides know control
/// frames; an older peer would take one for an oversized frame), and once the peer's first data frame (its hello)
/// has passed: then it pings every `interval` and times the pong that echoes the ping's random nonce, and answers
/// the peer's pings at once. Running on the event loop, an answer does not wait behind a busy consumer of data
/// frames, so the time is the network's and TLS's, not a queue's.
final class LinkProbe: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WireFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What a received control frame tells the network: the peer is alive, and for a matching pong the round trip.
    typealias Observer = @Sendable (_ roundTrip: Duration?) -> Void

    /// Nil: this side does not probe (``PeerNetworkConfiguration/pingInterval``).
    private let interval: TimeAmount?
    private let observe: Observer
    private var negotiated = false
    private var linkUp = false
    private var outstanding: (nonce: UInt64, sentAt: NIODeadline)?
    private var timer: RepeatedTask?

    init(interval: Duration?, observe: @escaping Observer) {
        self.interval = interval.map { TimeAmount($0) }
        self.observe = observe
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiatedProtocol) = event as? TLSUserEvent {
            negotiated = interval != nil && negotiatedProtocol == PinnedTLS.probeProtocol
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.isControl else {
            if !linkUp {
                linkUp = true
                if negotiated { startPinging(context) }
            }
            context.fireChannelRead(wrapInboundOut(frame.payload))
            return
        }
        // Not negotiated: a peer that sends control frames anyway broke the protocol.
        guard negotiated else {
            context.fireErrorCaught(PeerNetworkError.badHello("a control frame on a link without \(PinnedTLS.probeProtocol)"))
            context.close(promise: nil)
            return
        }
        // Before the hello nothing is answered; a kind this version does not know is ignored.
        guard linkUp, let control = ControlFrame(frame.payload) else { return }
        switch control.kind {
        case .ping:
            let pong = FrameEncoder.control(.init(kind: .pong, nonce: control.nonce), allocator: context.channel.allocator)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            observe(nil)
        case .pong:
            guard let sent = outstanding, sent.nonce == control.nonce else { return observe(nil) }
            outstanding = nil
            observe(.nanoseconds((NIODeadline.now() - sent.sentAt).nanoseconds))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    private func startPinging(_ context: ChannelHandlerContext) {
        guard let interval else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in
            let (probe, context) = bound.value
            probe.ping(context, interval: interval)
        }
    }

    /// One ping, unless the last is still unanswered and younger than four intervals (a slow link keeps its
    /// measurement; a lost pong does not stop the probing).
    private func ping(_ context: ChannelHandlerContext, interval: TimeAmount) {
        let now = NIODeadline.now()
        if let sent = outstanding, now - sent.sentAt < interval * 4 { return }
        let nonce = UInt64.random(in: .min ... .max)
        outstanding = (nonce, now)
        context.writeAndFlush(
            wrapOutboundOut(FrameEncoder.control(.init(kind: .ping, nonce: nonce), allocator: context.channel.allocator)),
            promise: nil)
    }

    private func stop() {
        timer?.cancel()
        timer = nil
    }
}
