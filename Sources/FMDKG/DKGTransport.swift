import FMCore
import FMPeerNetwork

/// Authenticated frames to and from the other guardians: what the DKG needs from a network.
///
/// ``PeerNetwork`` (mutual TLS pinned to the setup codes' certificates) is the real one; ``InMemoryDKGNetwork``
/// connects sessions inside one process for tests.
public protocol DKGTransport: Sendable {
    /// Frames from authenticated peers; one consumer.
    var received: AsyncStream<(PeerID, [UInt8])> { get }
    /// Queues one frame for `peer` without waiting.
    func send(_ frame: [UInt8], to peer: PeerID) throws
    /// Waits (at most `limit`) until the frames queued so far have left this process, so that a guardian that
    /// finishes or aborts does not take its last messages with it.
    func flush(within limit: Duration) async
}

extension PeerNetwork: DKGTransport {
    public func flush(within limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            let statistics = statistics()
            // A peer that never connected cannot be waited for.
            if statistics.peers.values.allSatisfy({ $0.outboundQueued == 0 || !$0.isConnected }) { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // The writer hands frames to the TLS channel; give the event loop a moment to put them on the socket.
        try? await Task.sleep(for: .milliseconds(100))
    }
}
