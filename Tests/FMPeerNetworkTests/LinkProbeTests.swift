import FMCore
import FMPeerNetwork
import Foundation
import Testing

/// Issue 18: each link measures its round-trip time with ping and pong control frames, which keep an idle peer's
/// "last message" fresh and never reach the consumer of data frames.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LinkProbeTests {
    @Test func idleLinksMeasureRoundTripsAndStayHeardWithoutDeliveringControlFrames() async throws {
        let federation = try await TestFederation(size: 3)
        var nodes: [RunningNetwork] = []
        for peer in federation.peers {
            var configuration = federation.configuration(peer)
            configuration.pingInterval = .milliseconds(50)
            nodes.append(try await RunningNetwork(try PeerNetwork(configuration: configuration)))
        }
        try await eventually("every link timed") {
            nodes.allSatisfy { node in
                let peers = node.network.statistics().peers
                return peers.count == 2 && peers.values.allSatisfy { $0.isConnected && $0.roundTrip != nil }
            }
        }
        // Idle for many ping intervals: no data frame was sent, yet every peer was heard within the last second.
        try await Task.sleep(for: .milliseconds(400))
        for node in nodes {
            for link in node.network.statistics().peers.values {
                let roundTrip = try #require(link.roundTrip)
                #expect(roundTrip > .zero && roundTrip < .seconds(1), "round trip \(roundTrip) on loopback")
                let heard = try #require(link.lastReceivedAgo)
                #expect(heard < .seconds(1), "last frame \(heard) ago on a link pinged every 50 ms")
                #expect(link.framesReceived == 0, "pings and pongs are not data frames")
            }
            #expect(node.received.isEmpty, "a control frame reached the consumer")
        }

        // A data frame still arrives as before, alone.
        try nodes[0].network.send(frame("after pings"), to: PeerID(1))
        try await eventually("the data frame") { nodes[1].received.count == 1 }
        #expect(nodes[1].received(from: PeerID(0)) == [frame("after pings")])

        // Peer 2 stops: its link loses the round trip, and the age of its last frame grows.
        try await nodes[2].stop()
        try await eventually("peer 2 down at peer 0") { !nodes[0].network.isConnected(to: PeerID(2)) }
        let down = try #require(nodes[0].network.statistics().peers[PeerID(2)])
        #expect(down.roundTrip == nil)
        try await Task.sleep(for: .milliseconds(300))
        let later = try #require(nodes[0].network.statistics().peers[PeerID(2)]?.lastReceivedAgo)
        #expect(later >= .milliseconds(300))
        for node in nodes.prefix(2) { try await node.stop() }
    }

    /// A guardian that does not probe (as a version before control frames: no ALPN) links with one that does: the
    /// prober never sends it a control frame (which it would take for an oversized frame and drop the link).
    @Test func aPeerWithoutProbingLinksWithAProberAndIsNeverPinged() async throws {
        let federation = try await TestFederation(size: 2)
        var prober = federation.configuration(PeerID(0))
        prober.pingInterval = .milliseconds(20)
        var old = federation.configuration(PeerID(1))
        old.pingInterval = nil
        let nodes = [
            try await RunningNetwork(try PeerNetwork(configuration: prober)),
            try await RunningNetwork(try PeerNetwork(configuration: old)),
        ]
        try nodes[0].network.send(frame("hello old"), to: PeerID(1))
        try nodes[1].network.send(frame("hello new"), to: PeerID(0))
        try await eventually("both frames") { nodes[0].received.count == 1 && nodes[1].received.count == 1 }
        try await Task.sleep(for: .milliseconds(300))
        for (node, other) in [(nodes[0], PeerID(1)), (nodes[1], PeerID(0))] {
            let link = try #require(node.network.statistics().peers[other])
            #expect(link.isConnected)
            #expect(link.connectionsEstablished == 1, "the link was dropped and made again")
            #expect(link.roundTrip == nil)
            #expect(link.framesReceived == 1)
        }
        for node in nodes { try await node.stop() }
    }

    @Test func aPingIntervalBelowTenMillisecondsIsRefused() async throws {
        let federation = try await TestFederation(size: 2)
        var configuration = federation.configuration(PeerID(0))
        configuration.pingInterval = .milliseconds(1)
        #expect(throws: PeerNetworkError.self) { try PeerNetwork(configuration: configuration) }
    }
}
