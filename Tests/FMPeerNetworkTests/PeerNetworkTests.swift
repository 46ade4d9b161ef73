import FMCore
import FMPeerNetwork
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct PeerNetworkTests {
    @Test func fourPeersExchangeBroadcastsAndDirectMessagesInOrder() async throws {
        let federation = try await TestFederation(size: 4)
        var nodes: [RunningNetwork] = []
        for peer in federation.peers {
            nodes.append(try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(peer))))
        }
        for (index, node) in nodes.enumerated() {
            for k in 0..<20 { try node.network.broadcast(frame("b \(index) \(k)")) }
            for other in federation.peers where other.rawValue != index {
                try node.network.send(frame("d \(index)->\(other.rawValue)"), to: other)
            }
        }
        try await eventually("all frames delivered") {
            nodes.allSatisfy { $0.received.count == 3 * 21 }
        }
        for (index, node) in nodes.enumerated() {
            for other in federation.peers where other.rawValue != index {
                let expected = (0..<20).map { frame("b \(other.rawValue) \($0)") } + [frame("d \(other.rawValue)->\(index)")]
                #expect(node.received(from: other) == expected)
            }
            let stats = node.network.statistics()
            #expect(stats.refusedConnections == 0)
            #expect(stats.peers.values.allSatisfy { $0.isConnected && $0.outboundDropped == 0 })
        }
        for node in nodes { try await node.stop() }
    }

    @Test func listenerRefusesAPeerWithAnUnpinnedCertificate() async throws {
        let federation = try await TestFederation(size: 2)
        let listener = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(1))))
        // Claims to be peer 0 and dials peer 1 correctly, but with a certificate nobody pinned.
        let intruderIdentity = try TLSIdentity.generate(name: "guardian-0")
        var intruderConfiguration = federation.configuration(PeerID(0), identity: intruderIdentity)
        intruderConfiguration.listenPort = 0
        let intruder = try await RunningNetwork(try PeerNetwork(configuration: intruderConfiguration))
        try intruder.network.send(frame("let me in"), to: PeerID(1))

        try await eventually("the listener refused several attempts") {
            listener.network.statistics().refusedConnections >= 2
        }
        #expect(!listener.network.isConnected(to: PeerID(0)))
        #expect(!intruder.network.isConnected(to: PeerID(1)))
        #expect(listener.received.isEmpty)
        #expect(listener.network.statistics().peers[PeerID(0)]?.connectionsEstablished == 0)
        try await intruder.stop()
        try await listener.stop()
    }

    /// Issue 24 item 5: the same guardians (same pinned TLS identities) running another federation cannot link to
    /// this one: the hello names the network, and both sides refuse the other's.
    @Test func peersOfAnotherNetworkWithTheSameIdentitiesAreRefused() async throws {
        let federation = try await TestFederation(size: 2)
        let listener = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(1))))
        let other = try await RunningNetwork(
            try PeerNetwork(configuration: federation.configuration(PeerID(0), networkID: Hash256.sha256(Array("another federation".utf8)))))
        try other.network.send(frame("a vote of another federation"), to: PeerID(1))
        try await eventually("the listener refused several attempts") {
            listener.network.statistics().refusedConnections >= 2
        }
        #expect(!listener.network.isConnected(to: PeerID(0)))
        #expect(!other.network.isConnected(to: PeerID(1)))
        #expect(listener.received.isEmpty)
        #expect(listener.network.statistics().peers[PeerID(0)]?.connectionsEstablished == 0)
        try await other.stop()
        try await listener.stop()
    }

    @Test func dialerRefusesAnImpostorListener() async throws {
        let federation = try await TestFederation(size: 2)
        // Listens on peer 1's port with a certificate peer 0 did not pin for peer 1.
        let impostor = try await RunningNetwork(
            try PeerNetwork(configuration: federation.configuration(PeerID(1), identity: try TLSIdentity.generate(name: "guardian-1"))))
        let dialer = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(0))))
        try dialer.network.send(frame("secret for peer 1"), to: PeerID(1))
        // The impostor, as listener, refuses too (peer 0's certificate is pinned there, but the handshake fails on
        // the dialer's side first). Give the dialer time for several attempts.
        try await eventually("several dial attempts") { impostor.network.statistics().refusedConnections >= 2 }
        #expect(!dialer.network.isConnected(to: PeerID(1)))
        #expect(impostor.received.isEmpty)
        #expect(dialer.network.statistics().peers[PeerID(1)]?.framesSent == 0)
        try await dialer.stop()
        try await impostor.stop()
    }

    @Test func oversizedFrameClosesTheConnection() async throws {
        let federation = try await TestFederation(size: 2)
        var senderConfiguration = federation.configuration(PeerID(0))
        senderConfiguration.maxFrameSize = 1 << 20
        var receiverConfiguration = federation.configuration(PeerID(1))
        receiverConfiguration.maxFrameSize = 1024
        let sender = try await RunningNetwork(try PeerNetwork(configuration: senderConfiguration))
        let receiver = try await RunningNetwork(try PeerNetwork(configuration: receiverConfiguration))
        try sender.network.send(frame("small"), to: PeerID(1))
        try await eventually("first frame") { receiver.received.count == 1 }

        try sender.network.send([UInt8](repeating: 7, count: 4096), to: PeerID(1))
        // The receiver drops the link on the oversized header; the dialer then reconnects.
        try await eventually("reconnect after the oversized frame") {
            sender.network.statistics().peers[PeerID(1)]!.connectionsEstablished >= 2
                && sender.network.isConnected(to: PeerID(1))
        }
        try sender.network.send(frame("after"), to: PeerID(1))
        try await eventually("frame after reconnect") { receiver.received.count == 2 }
        #expect(receiver.received(from: PeerID(0)) == [frame("small"), frame("after")])
        #expect(throws: PeerNetworkError.frameTooLarge(size: 2000, limit: 1024)) {
            try receiver.network.send([UInt8](repeating: 0, count: 2000), to: PeerID(0))
        }
        try await sender.stop()
        try await receiver.stop()
    }

    @Test(arguments: [PeerID(0), PeerID(1)])
    func restartedPeerIsReconnectedAndGetsWhatWasQueued(restarting: PeerID) async throws {
        let federation = try await TestFederation(size: 2)
        let other = PeerID(1 - restarting.rawValue)
        let stable = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(other)))
        var restarted = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(restarting)))
        try stable.network.send(frame("one"), to: restarting)
        try await eventually("first frame") { restarted.received.count == 1 }

        try await restarted.stop()
        try await eventually("link down") { !stable.network.isConnected(to: restarting) }
        try stable.network.send(frame("while down"), to: restarting)

        restarted = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(restarting)))
        try await eventually("frame queued while down") { restarted.received.count == 1 }
        try restarted.network.send(frame("back"), to: other)
        try await eventually("frame from the restarted peer") { stable.received.count == 1 }
        #expect(restarted.received(from: other) == [frame("while down")])
        #expect(stable.received(from: restarting) == [frame("back")])
        try await restarted.stop()
        try await stable.stop()
    }

    @Test func outboundQueueDropsOldestBeyondItsBound() async throws {
        let federation = try await TestFederation(size: 2)
        var configuration = federation.configuration(PeerID(0))
        configuration.outboundQueueFrames = 8
        let sender = try await RunningNetwork(try PeerNetwork(configuration: configuration))
        for k in 0..<100 { try sender.network.send(frame("\(k)"), to: PeerID(1)) }
        let stats = sender.network.statistics().peers[PeerID(1)]!
        #expect(stats.outboundQueued == 8)
        #expect(stats.outboundDropped == 92)

        let receiver = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(1))))
        try await eventually("queued frames delivered") { receiver.received.count == 8 }
        #expect(receiver.received(from: PeerID(0)) == (92..<100).map { frame("\($0)") })
        try await sender.stop()
        try await receiver.stop()
    }

    @Test func slowConsumerBoundsInboundBufferingWithoutLoss() async throws {
        let federation = try await TestFederation(size: 2)
        var receiverConfiguration = federation.configuration(PeerID(1))
        receiverConfiguration.inboundQueueFrames = 4
        let receiver = try await RunningNetwork(
            try PeerNetwork(configuration: receiverConfiguration), collecting: false)
        let sender = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(0))))
        let payload = [UInt8](repeating: 1, count: 16 << 10)
        for k in 0..<300 { try sender.network.send(frame("\(k)") + payload, to: PeerID(1)) }

        try await eventually("receiver buffer filled") {
            receiver.network.statistics().peers[PeerID(0)]!.inboundQueued == 4
        }
        try await Task.sleep(for: .milliseconds(300))
        let stalled = receiver.network.statistics().peers[PeerID(0)]!
        #expect(stalled.inboundQueued == 4)
        #expect(stalled.framesReceived < 300, "the reader must stop, leaving the rest in TCP and the sender's queue")
        #expect(sender.network.statistics().peers[PeerID(1)]!.outboundDropped == 0)

        var got: [[UInt8]] = []
        for await (peer, bytes) in receiver.network.received {
            #expect(peer == PeerID(0))
            got.append(bytes)
            if got.count == 300 { break }
        }
        #expect(got == (0..<300).map { frame("\($0)") + payload })
        try await sender.stop()
        try await receiver.stop()
    }

    /// Connections that arrive while the listener shuts down are never served; that must not crash the process.
    @Test func shuttingDownWhileConnectionsArriveIsSafe() async throws {
        let federation = try await TestFederation(size: 2)
        for _ in 0..<5 {
            let listener = try await RunningNetwork(try PeerNetwork(configuration: federation.configuration(PeerID(1))))
            let port = try await listener.network.listeningPort()
            let flood = Task {
                for _ in 0..<200 {
                    let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get()
                    try? await channel?.close()
                }
            }
            try await Task.sleep(for: .milliseconds(30))
            try await listener.stop()
            await flood.value
        }
    }

    @Test func configurationErrorsAreReported() async throws {
        let federation = try await TestFederation(size: 2)
        var configuration = federation.configuration(PeerID(0))
        configuration.peers[PeerID(0)] = federation.endpoint(PeerID(1))
        #expect(throws: PeerNetworkError.self) { try PeerNetwork(configuration: configuration) }

        let network = try PeerNetwork(configuration: federation.configuration(PeerID(0)))
        #expect(throws: PeerNetworkError.self) { try network.send([1], to: PeerID(5)) }
    }
}
