import FMCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A guardian's authenticated links to the other guardians: TCP with mutual, certificate-pinned TLS 1.3.
///
/// - Every link is authenticated to a ``PeerID``: the TLS handshake accepts only a certificate pinned in the
///   configuration, and the first frame (a hello naming the sender's id) must name the peer that certificate
///   belongs to.
/// - Dialing rule: the lower id dials the higher one, and only accepts connections from lower ids. There is thus
///   exactly one link per pair and no de-duplication race. A dialer that loses its link reconnects with
///   exponential backoff and jitter; a listener replaces an older link from the same peer by a newer one (the old one
///   is usually a dead socket of a restarted peer).
/// - Messages are opaque frames. Sending never waits: each peer has a bounded queue that drops its oldest frame when
///   full (the consensus protocol tolerates loss, and drops are counted). Receiving is bounded per peer: when a
///   peer's share of unconsumed frames is full we stop reading its socket, and peers are served round-robin.
///
/// Run it with ``run()`` (until ``shutdown()`` or task cancellation); read frames from ``received``.
/// An instance runs once; to restart a guardian, build a new one.
public final class PeerNetwork: Sendable {
    public let configuration: PeerNetworkConfiguration

    /// Frames from authenticated peers, in arrival order per peer, taken round-robin across peers.
    ///
    /// Meant for one consumer. Ends when the network stops.
    public let received: AsyncStream<(PeerID, [UInt8])>

    let tls: PinnedTLS
    let outbound: [PeerID: OutboundQueue]
    let inbound: FairMailbox<PeerID, [UInt8]>
    let state: NIOLockedValueBox<State>
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup

    /// Builds the network; no socket is opened before ``run()``.
    public init(
        configuration: PeerNetworkConfiguration,
        logger: Logger = Logger(label: "fm.p2p"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(PeerNetworkError) {
        try configuration.validate()
        self.configuration = configuration
        do {
            tls = try PinnedTLS(identity: configuration.identity, peers: configuration.peers, probing: configuration.pingInterval != nil)
        } catch {
            throw .invalidConfiguration("cannot load the TLS identity: \(error)")
        }
        outbound = configuration.peers.mapValues { _ in
            OutboundQueue(maxFrames: configuration.outboundQueueFrames, maxBytes: configuration.outboundQueueBytes)
        }
        let mailbox = FairMailbox<PeerID, [UInt8]>(
            sources: Array(configuration.peers.keys), maxElements: configuration.inboundQueueFrames,
            maxBytes: configuration.inboundQueueBytes)
        inbound = mailbox
        received = AsyncStream(unfolding: { await mailbox.next() })
        state = NIOLockedValueBox(State(peers: configuration.peers.keys))
        var logger = logger
        logger[metadataKey: "peer"] = "\(configuration.ourID.rawValue)"
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Our id.
    public var ourID: PeerID { configuration.ourID }

    /// Queues `bytes` as one frame for `peer`. Never waits; if the peer's queue is full its oldest frame is dropped.
    public func send(_ bytes: [UInt8], to peer: PeerID) throws(PeerNetworkError) {
        guard bytes.count <= configuration.maxFrameSize else {
            throw .frameTooLarge(size: bytes.count, limit: configuration.maxFrameSize)
        }
        guard let queue = outbound[peer] else { throw .invalidConfiguration("\(peer) is not a configured peer") }
        queue.push(bytes)
    }

    /// Queues `bytes` as one frame for every other peer.
    public func broadcast(_ bytes: [UInt8]) throws(PeerNetworkError) {
        guard bytes.count <= configuration.maxFrameSize else {
            throw .frameTooLarge(size: bytes.count, limit: configuration.maxFrameSize)
        }
        for queue in outbound.values { queue.push(bytes) }
    }

    /// Stops a running network: ``run()`` returns after closing every connection, and ``received`` ends.
    public func shutdown() {
        let waiter = state.withLockedValue { state in
            state.shutdownRequested = true
            let waiter = state.shutdownWaiter
            state.shutdownWaiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// The port we listen on, once ``run()`` has bound it (waits until then).
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<Int, any Error>? = state.withLockedValue { state in
                switch state.listening {
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                case .notYet:
                    state.portWaiters.append(continuation)
                    return nil
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Whether an authenticated link to `peer` is up right now.
    public func isConnected(to peer: PeerID) -> Bool {
        state.withLockedValue { $0.links[peer]?.current != nil }
    }

    /// Counters for monitoring and tests.
    public func statistics() -> PeerNetworkStatistics {
        let now = ContinuousClock.now
        return state.withLockedValue { state in
            var peers: [PeerID: PeerLinkStatistics] = [:]
            for (peer, link) in state.links {
                peers[peer] = PeerLinkStatistics(
                    isConnected: link.current != nil, connectionsEstablished: link.connectionsEstablished,
                    framesSent: link.framesSent, framesReceived: link.framesReceived,
                    outboundQueued: outbound[peer]?.count ?? 0, outboundDropped: outbound[peer]?.droppedCount ?? 0,
                    inboundQueued: inbound.bufferedCount(from: peer),
                    lastReceivedAgo: link.lastReceived.map { now - $0 },
                    roundTrip: link.current == nil ? nil : link.roundTrip)
            }
            return PeerNetworkStatistics(peers: peers, refusedConnections: state.refusedConnections)
        }
    }
}

/// Counters for one peer link.
public struct PeerLinkStatistics: Sendable, Hashable {
    public var isConnected: Bool
    /// Authenticated connections made so far (1 + reconnects).
    public var connectionsEstablished: UInt64
    public var framesSent: UInt64
    public var framesReceived: UInt64
    /// Frames waiting to be sent.
    public var outboundQueued: Int
    /// Frames dropped because the outbound queue was full.
    public var outboundDropped: UInt64
    /// Frames received and not yet consumed from ``PeerNetwork/received``.
    public var inboundQueued: Int
    /// How long ago a frame (data, ping or pong) from this peer last arrived; nil if none ever did.
    public var lastReceivedAgo: Duration?
    /// The last ping round trip on the current connection (``PeerNetworkConfiguration/pingInterval``); nil while
    /// the link is down or before the first pong.
    public var roundTrip: Duration?
}

/// Counters for the whole network.
public struct PeerNetworkStatistics: Sendable, Hashable {
    public var peers: [PeerID: PeerLinkStatistics]
    /// Inbound connections closed before authentication: unpinned certificate, bad hello, too many pending, timeout.
    public var refusedConnections: UInt64
}
