import FMCore

/// Where a peer listens and the certificate it must present, as read from its setup code.
public struct PeerEndpoint: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var certificate: PeerCertificate

    public init(host: String, port: Int, certificate: PeerCertificate) {
        self.host = host
        self.port = port
        self.certificate = certificate
    }
}

/// Everything a guardian's peer network needs: who we are, where we listen, who the others are, and the bounds
/// that keep a slow or malicious peer from costing us unbounded memory.
///
/// Memory per peer is bounded, whatever the peer does, by about
/// `inboundQueueBytes + outboundQueueBytes + (channelBufferedFrames + 4) × maxFrameSize`: the two queues, the frames
/// NIO buffers between the socket and the inbound queue (``channelBufferedFrames``), the frame being handed to the
/// queue, the frame decoder's partial frame, and the frame being written (docs/consensus.md, "Memory").
public struct PeerNetworkConfiguration: Sendable {
    /// Frames NIO keeps decoded per connection before it stops reading the socket (the async channel's high
    /// watermark); each may be `maxFrameSize`.
    public static let channelBufferedFrames = 8

    /// Our own peer id.
    public var ourID: PeerID
    /// Which network this is: the federation id for guardians, the setup-code digest for a DKG. A peer whose hello
    /// names another is refused (``PeerNetworkError/otherNetwork(_:)``).
    public var networkID: Hash256
    /// Our TLS key and certificate.
    public var identity: TLSIdentity
    /// The address to listen on, e.g. "0.0.0.0" or "127.0.0.1".
    public var listenHost: String
    /// The port to listen on; 0 picks an ephemeral port (see `PeerNetwork.listeningPort()`).
    public var listenPort: Int
    /// Every other guardian, by id. Must not contain `ourID`.
    public var peers: [PeerID: PeerEndpoint]

    /// The largest payload a frame may carry; a bigger one closes the connection.
    public var maxFrameSize: Int = 8 << 20
    /// Frames kept per peer while it is slow or disconnected; beyond this the oldest are dropped (and counted).
    public var outboundQueueFrames: Int = 4096
    /// Bytes kept per peer in the outbound queue; the oldest frames are dropped beyond it.
    public var outboundQueueBytes: Int = 32 << 20
    /// Frames received from one peer and not yet consumed; beyond this we stop reading from that peer's socket.
    public var inboundQueueFrames: Int = 1024
    /// Bytes received from one peer and not yet consumed; beyond this we stop reading from that peer's socket.
    public var inboundQueueBytes: Int = 16 << 20
    /// Time allowed for the TCP connect, the TLS handshake and the hello exchange together.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Reconnect delays grow from `initial` by doubling to `maximum`; each is jittered to 50–100 %.
    public var reconnectBackoff: ReconnectBackoff = .init()
    /// How often each link is pinged to measure its round-trip time (and show the peer alive while idle); nil: no
    /// pings, and no ``PinnedTLS/probeProtocol`` offered (as a version before control frames).
    public var pingInterval: Duration? = .seconds(5)

    public init(
        ourID: PeerID, networkID: Hash256, identity: TLSIdentity, listenHost: String, listenPort: Int,
        peers: [PeerID: PeerEndpoint]
    ) {
        self.ourID = ourID
        self.networkID = networkID
        self.identity = identity
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.peers = peers
    }

    func validate() throws(PeerNetworkError) {
        if peers[ourID] != nil { throw .invalidConfiguration("our own id \(ourID) is listed among the peers") }
        let certificates = Set(peers.values.map(\.certificate))
        if certificates.count != peers.count { throw .invalidConfiguration("two peers share a certificate") }
        if certificates.contains(identity.certificate) {
            throw .invalidConfiguration("a peer uses our own certificate")
        }
        if maxFrameSize < 16 || maxFrameSize > Int(FrameDecoder.controlBit - 1) {
            throw .invalidConfiguration("maxFrameSize \(maxFrameSize) out of range")
        }
        if outboundQueueFrames < 1 || inboundQueueFrames < 1 {
            throw .invalidConfiguration("queues must hold at least one frame")
        }
        if let pingInterval, pingInterval < .milliseconds(10) {
            throw .invalidConfiguration("pingInterval \(pingInterval) below 10 ms")
        }
    }
}

/// Exponential reconnect backoff with jitter, so that peers restarting together do not retry in lockstep.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before reconnect attempt `attempt` (0-based): min(maximum, initial·2^attempt) scaled by a random
    /// factor in [0.5, 1].
    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let factor = 1 << min(attempt, 30)
        let base = min(maximum, initial * factor)
        return base * Double.random(in: 0.5...1, using: &random)
    }
}
