import FMCore
import FMPeerNetwork
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Identities and free loopback ports for an n-guardian test federation.
struct TestFederation {
    let identities: [TLSIdentity]
    let ports: [Int]
    let networkID = Hash256.sha256(Array("peer network tests".utf8))

    init(size: Int) async throws {
        identities = try (0..<size).map { try TLSIdentity.generate(name: "guardian-\($0)") }
        ports = try await LoopbackPorts.reserve(size)
    }

    var peers: [PeerID] { (0..<identities.count).map { PeerID(UInt16($0)) } }

    func endpoint(_ peer: PeerID) -> PeerEndpoint {
        PeerEndpoint(host: "127.0.0.1", port: ports[Int(peer.rawValue)], certificate: identities[Int(peer.rawValue)].certificate)
    }

    /// The configuration of `peer`, with short backoff so tests reconnect quickly.
    func configuration(_ peer: PeerID, identity: TLSIdentity? = nil, networkID: Hash256? = nil) -> PeerNetworkConfiguration {
        var endpoints: [PeerID: PeerEndpoint] = [:]
        for other in peers where other != peer { endpoints[other] = endpoint(other) }
        var configuration = PeerNetworkConfiguration(
            ourID: peer, networkID: networkID ?? self.networkID, identity: identity ?? identities[Int(peer.rawValue)],
            listenHost: "127.0.0.1",
            listenPort: ports[Int(peer.rawValue)], peers: endpoints)
        configuration.reconnectBackoff = ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        configuration.handshakeTimeout = .seconds(5)
        return configuration
    }
}


/// A peer network running in a background task, with everything it received collected.
final class RunningNetwork: Sendable {
    let network: PeerNetwork
    private let runTask: Task<Void, any Error>
    private let collectTask: Task<Void, Never>?
    private let frames = NIOLockedValueBox<[(PeerID, [UInt8])]>([])

    /// Starts `network`; with `collecting` false nobody consumes `received` (to test inbound bounds).
    init(_ network: PeerNetwork, collecting: Bool = true) async throws {
        self.network = network
        runTask = Task { try await network.run() }
        let frames = frames
        collectTask = collecting ? Task {
            for await frame in network.received { frames.withLockedValue { $0.append(frame) } }
        } : nil
        _ = try await network.listeningPort()
    }

    var received: [(PeerID, [UInt8])] { frames.withLockedValue { $0 } }

    func received(from peer: PeerID) -> [[UInt8]] { received.filter { $0.0 == peer }.map(\.1) }

    /// Shuts the network down and waits until its sockets are closed.
    func stop() async throws {
        network.shutdown()
        try await runTask.value
        await collectTask?.value
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TimedOut(what: what)
}

func frame(_ text: String) -> [UInt8] { Array(text.utf8) }
