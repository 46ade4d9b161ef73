import FMCore
import FMPeerNetwork

/// What the consensus driver needs from the peer network: authenticated frames to and from the other guardians.
///
/// ``PeerNetwork`` is the production transport; tests may substitute their own.
public protocol ConsensusTransport: Sendable {
    /// The largest frame the transport carries.
    var maxFrameSize: Int { get }
    /// Frames from authenticated peers. One consumer (the driver).
    var received: AsyncStream<(PeerID, [UInt8])> { get }
    /// Queues a frame for one peer without waiting; may drop it (consensus tolerates loss).
    func send(_ bytes: [UInt8], to peer: PeerID) throws(PeerNetworkError)
    /// Queues a frame for every other guardian without waiting.
    func broadcast(_ bytes: [UInt8]) throws(PeerNetworkError)
}

extension PeerNetwork: ConsensusTransport {
    public var maxFrameSize: Int { configuration.maxFrameSize }
}
