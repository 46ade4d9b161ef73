import FMCore

/// DKG links between sessions in one process, for tests: every frame is delivered at once, in order, unless
/// `intercept` rewrites or drops it (how tests play a cheating guardian).
public final class InMemoryDKGNetwork: Sendable {
    /// Called for every frame; returns the frame to deliver (possibly altered) or nil to drop it.
    public typealias Intercept = @Sendable (_ from: PeerID, _ to: PeerID, _ frame: [UInt8]) -> [UInt8]?

    private let inboxes: [PeerID: (stream: AsyncStream<(PeerID, [UInt8])>, continuation: AsyncStream<(PeerID, [UInt8])>.Continuation)]
    private let intercept: Intercept

    public init(peers: Int, intercept: @escaping Intercept = { _, _, frame in frame }) {
        var inboxes: [PeerID: (AsyncStream<(PeerID, [UInt8])>, AsyncStream<(PeerID, [UInt8])>.Continuation)] = [:]
        for index in 0..<peers {
            let (stream, continuation) = AsyncStream<(PeerID, [UInt8])>.makeStream()
            inboxes[PeerID(UInt16(index))] = (stream, continuation)
        }
        self.inboxes = inboxes
        self.intercept = intercept
    }

    /// The transport of guardian `peer`.
    public func endpoint(_ peer: PeerID) -> Endpoint { Endpoint(network: self, peer: peer) }

    /// Ends every stream (sessions still waiting see their peers go silent).
    public func close() {
        for inbox in inboxes.values { inbox.continuation.finish() }
    }

    fileprivate func deliver(_ frame: [UInt8], from: PeerID, to: PeerID) throws {
        guard let inbox = inboxes[to] else { throw DKGError.network("\(to) is not in this in-memory network") }
        if let frame = intercept(from, to, frame) { inbox.continuation.yield((from, frame)) }
    }

    fileprivate func stream(of peer: PeerID) -> AsyncStream<(PeerID, [UInt8])> { inboxes[peer]!.stream }

    public struct Endpoint: DKGTransport {
        let network: InMemoryDKGNetwork
        let peer: PeerID

        public var received: AsyncStream<(PeerID, [UInt8])> { network.stream(of: peer) }
        public func send(_ frame: [UInt8], to peer: PeerID) throws { try network.deliver(frame, from: self.peer, to: peer) }
        public func flush(within limit: Duration) async {}
    }
}
