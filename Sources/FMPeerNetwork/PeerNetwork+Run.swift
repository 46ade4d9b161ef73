import FMCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

extension PeerNetwork {
    struct State {
        enum Listening {
            case notYet
            case bound(Int)
            case failed(any Error)
        }

        struct Link {
            /// The live authenticated connection, tagged so that a replaced one can tell it is no longer current.
            var current: (generation: UInt64, channel: any Channel)?
            var connectionsEstablished: UInt64 = 0
            var framesSent: UInt64 = 0
            var framesReceived: UInt64 = 0
            /// When a data or control frame from the peer last arrived.
            var lastReceived: ContinuousClock.Instant?
            /// The current connection's last measured ping round trip (``LinkProbe``).
            var roundTrip: Duration?
        }

        var started = false
        var shutdownRequested = false
        var shutdownWaiter: CheckedContinuation<Void, Never>?
        var listening: Listening = .notYet
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
        var links: [PeerID: Link]
        var nextGeneration: UInt64 = 0
        var pendingHandshakes = 0
        var refusedConnections: UInt64 = 0

        init(peers: some Sequence<PeerID>) {
            links = Dictionary(uniqueKeysWithValues: peers.map { ($0, Link()) })
        }
    }

    /// A TCP connection whose TLS handshake and hello are still pending, with the deadline that closes it.
    struct PendingConnection: Sendable {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let deadline: Scheduled<Void>
        /// Whether this connection counts against `maxPendingHandshakes` until it is authenticated or closed.
        let holdsPendingSlot: Bool
    }

    /// Unauthenticated inbound connections allowed at once; more are closed immediately.
    var maxPendingHandshakes: Int { 16 + 4 * configuration.peers.count }

    /// Listens, dials the higher peers, and serves links until ``shutdown()`` or cancellation.
    ///
    /// Throws if the network already ran or the listening socket cannot be bound.
    public func run() async throws {
        let alreadyStarted = state.withLockedValue { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw PeerNetworkError.alreadyRunning }
        defer { inbound.finish() }

        let server: NIOAsyncChannel<PendingConnection, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.listenHost, port: configuration.listenPort) { channel in
                    channel.eventLoop.makeCompletedFuture { try self.prepareAccepted(channel) }
                }
        } catch {
            resolvePort(.failed(error))
            throw error
        }
        let port = server.channel.localAddress?.port ?? configuration.listenPort
        resolvePort(.bound(port))
        logger.info("listening for peers", metadata: ["port": "\(port)"])

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.acceptConnections(server) }
            for peer in configuration.peers.keys where peer > ourID {
                group.addTask { await self.keepDialing(peer) }
            }
            await waitForShutdown()
            group.cancelAll()
        }
        logger.info("peer network stopped")
    }

    private func resolvePort(_ outcome: State.Listening) {
        let waiters = state.withLockedValue { state in
            state.listening = outcome
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        for waiter in waiters {
            switch outcome {
            case .bound(let port): waiter.resume(returning: port)
            case .failed(let error): waiter.resume(throwing: error)
            case .notYet: break
            }
        }
    }

    private func waitForShutdown() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let alreadyDone = state.withLockedValue { state in
                    if state.shutdownRequested || Task.isCancelled { return true }
                    state.shutdownWaiter = continuation
                    return false
                }
                if alreadyDone { continuation.resume() }
            }
        } onCancel: {
            shutdown()
        }
    }

    // MARK: - Accepting

    /// Runs on the event loop for each accepted TCP connection.
    private func prepareAccepted(_ channel: any Channel) throws -> PendingConnection {
        let admitted = state.withLockedValue { state in
            guard state.pendingHandshakes < maxPendingHandshakes else {
                state.refusedConnections += 1
                return false
            }
            state.pendingHandshakes += 1
            return true
        }
        if !admitted {
            logger.warning("too many pending peer handshakes; closing a new connection")
            channel.close(promise: nil)
        }
        let ourID = ourID
        let handler = tls.serverHandler(accepting: { $0 < ourID })
        return try prepare(channel, tlsHandler: handler, holdsPendingSlot: admitted)
    }

    private func prepare(
        _ channel: any Channel, tlsHandler: some ChannelHandler, holdsPendingSlot: Bool
    ) throws -> PendingConnection {
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(tlsHandler)
        try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.maxFrameSize)))
        try sync.addHandler(LinkProbe(interval: configuration.pingInterval) { [weak self] roundTrip in
            self?.observe(channel: channel, roundTrip: roundTrip)
        })
        let asyncChannel = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: PeerNetworkConfiguration.channelBufferedFrames)))
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
            channel.close(promise: nil)
        }
        // NIO traps when an async channel is released with its writer unfinished. A connection accepted while we
        // shut down may never reach `serve`, so keep it referenced until the channel closes (the deadline above
        // guarantees that) and finish it then; for served connections this is a no-op.
        channel.closeFuture.whenComplete { _ in
            Task { try? await asyncChannel.executeThenClose { _, _ in } }
        }
        return PendingConnection(channel: asyncChannel, deadline: deadline, holdsPendingSlot: holdsPendingSlot)
    }

    private func acceptConnections(_ server: NIOAsyncChannel<PendingConnection, Never>) async throws {
        try await server.executeThenClose { connections in
            await withDiscardingTaskGroup { group in
                do {
                    for try await connection in connections {
                        group.addTask { _ = await self.serve(connection, dialed: nil) }
                    }
                } catch is CancellationError {
                    // Shutting down.
                } catch {
                    logger.error("accepting peer connections failed", metadata: ["error": "\(error)"])
                }
                group.cancelAll()
            }
        }
    }

    // MARK: - Dialing

    private func keepDialing(_ peer: PeerID) async {
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while !Task.isCancelled {
            guard let endpoint = configuration.peers[peer] else { return }
            do {
                let connection = try await ClientBootstrap(group: eventLoopGroup)
                    .connectTimeout(TimeAmount(configuration.handshakeTimeout))
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .connect(host: endpoint.host, port: endpoint.port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try self.prepare(
                                channel, tlsHandler: self.tls.clientHandler(expecting: peer), holdsPendingSlot: false)
                        }
                    }
                if await serve(connection, dialed: peer) { attempt = 0 }
            } catch {
                logger.debug("dialing peer failed", metadata: ["to": "\(peer.rawValue)", "error": "\(error)"])
            }
            let delay = configuration.reconnectBackoff.delay(attempt: attempt, using: &random)
            attempt += 1
            try? await Task.sleep(for: delay)
        }
    }

    // MARK: - Serving a link

    /// Authenticates a fresh connection and then pumps frames both ways until it closes.
    ///
    /// Returns whether the connection got authenticated (so a dialer can reset its backoff).
    private func serve(_ connection: PendingConnection, dialed: PeerID?) async -> Bool {
        let channel = connection.channel.channel
        var authenticatedPeer: PeerID?
        var holdsPendingSlot = connection.holdsPendingSlot
        func releasePendingSlot() {
            if holdsPendingSlot { state.withLockedValue { $0.pendingHandshakes -= 1 } }
            holdsPendingSlot = false
        }
        defer { releasePendingSlot() }
        do {
            try await connection.channel.executeThenClose { inboundFrames, outboundFrames in
                try await outboundFrames.write(FrameEncoder.frame(Hello(peer: ourID, networkID: configuration.networkID).bytes, allocator: channel.allocator))
                var frames = inboundFrames.makeAsyncIterator()
                guard let first = try await frames.next() else { throw PeerNetworkError.handshakeTimedOut }
                let hello = try Hello(bytes: Array(buffer: first))
                let certificate = try await channel.nioSSL_peerCertificate().get()
                let authenticated = certificate.flatMap(tls.peer(presenting:))
                guard let authenticated, authenticated == hello.peer, dialed == nil || dialed == authenticated else {
                    throw PeerNetworkError.helloDoesNotMatchCertificate(claimed: hello.peer, authenticated: authenticated)
                }
                guard hello.networkID == configuration.networkID else { throw PeerNetworkError.otherNetwork(authenticated) }
                connection.deadline.cancel()
                releasePendingSlot()
                authenticatedPeer = authenticated
                try await pump(peer: authenticated, channel: channel, frames: &frames, outboundFrames: outboundFrames)
            }
        } catch {
            if authenticatedPeer == nil {
                if dialed == nil { state.withLockedValue { $0.refusedConnections += 1 } }
                logger.debug(
                    "peer connection refused", metadata: ["dialed": "\(dialed.map { "\($0.rawValue)" } ?? "-")", "error": "\(error)"])
            } else {
                logger.debug("peer link closed", metadata: ["peer": "\(authenticatedPeer!.rawValue)", "error": "\(error)"])
            }
        }
        return authenticatedPeer != nil
    }

    private func pump(
        peer: PeerID, channel: any Channel,
        frames: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outboundFrames: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let generation = register(peer, channel: channel)
        defer { unregister(peer, generation: generation) }
        logger.info("peer link up", metadata: ["peer": "\(peer.rawValue)"])
        guard let queue = outbound[peer] else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while let frame = await queue.next() {
                    do {
                        try await outboundFrames.write(FrameEncoder.frame(frame, allocator: channel.allocator))
                    } catch {
                        channel.close(promise: nil)
                        return
                    }
                    self.state.withLockedValue { $0.links[peer]?.framesSent += 1 }
                }
            }
            defer { group.cancelAll() }
            while let buffer = try await frames.next() {
                guard await inbound.deliver(Array(buffer: buffer), from: peer, bytes: buffer.readableBytes) else { break }
                state.withLockedValue { state in
                    state.links[peer]?.framesReceived += 1
                    state.links[peer]?.lastReceived = .now
                }
            }
        }
        logger.info("peer link down", metadata: ["peer": "\(peer.rawValue)"])
    }

    /// Makes `channel` the peer's current link, closing any older one.
    private func register(_ peer: PeerID, channel: any Channel) -> UInt64 {
        let (generation, replaced) = state.withLockedValue { state in
            state.nextGeneration += 1
            let replaced = state.links[peer]?.current?.channel
            state.links[peer]?.current = (state.nextGeneration, channel)
            state.links[peer]?.roundTrip = nil
            state.links[peer]?.connectionsEstablished += 1
            return (state.nextGeneration, replaced)
        }
        replaced?.close(promise: nil)
        return generation
    }

    /// A control frame arrived on `channel`: the peer of the link it carries was heard, and maybe timed.
    private func observe(channel: any Channel, roundTrip: Duration?) {
        state.withLockedValue { state in
            guard let peer = state.links.first(where: { $0.value.current?.channel === channel })?.key else { return }
            state.links[peer]?.lastReceived = .now
            if let roundTrip { state.links[peer]?.roundTrip = roundTrip }
        }
    }

    private func unregister(_ peer: PeerID, generation: UInt64) {
        state.withLockedValue { state in
            if state.links[peer]?.current?.generation == generation { state.links[peer]?.current = nil }
        }
    }
}
