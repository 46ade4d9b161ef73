import FMConsensus
import FMCore
import FMDatabase
import FMPeerNetwork
import FMSecp256k1
import FMServer
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// n guardians on 127.0.0.1, each with its own TLS identity, consensus key, port and SQLite file.
final class LoopbackFederation: Sendable {
    let size: Int
    let directory: URL
    let identities: [TLSIdentity]
    let keypairs: [Keypair]
    let ports: [Int]
    let genesis = Hash256.sha256(Array("fm loopback test federation".utf8))

    init(size: Int) async throws {
        self.size = size
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-federation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        identities = try (0..<size).map { try TLSIdentity.generate(name: "guardian-\($0)") }
        keypairs = (0..<size).map { _ in Keypair() }
        ports = try await Self.reserveLoopbackPorts(size)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var peers: [PeerID] { (0..<size).map { PeerID(UInt16($0)) } }

    func databasePath(_ peer: PeerID) -> String { directory.appendingPathComponent("guardian-\(peer.rawValue).sqlite").path }

    func consensusConfiguration(_ peer: PeerID) -> ConsensusConfiguration {
        ConsensusConfiguration(
            peers: peers, ownID: peer, genesisHash: genesis, iterationTimeout: .seconds(2),
            idleProposalDelay: .milliseconds(20), retransmitInterval: .milliseconds(300))
    }

    func networkConfiguration(_ peer: PeerID) -> PeerNetworkConfiguration {
        var endpoints: [PeerID: PeerEndpoint] = [:]
        for other in peers where other != peer {
            let index = Int(other.rawValue)
            endpoints[other] = PeerEndpoint(host: "127.0.0.1", port: ports[index], certificate: identities[index].certificate)
        }
        var configuration = PeerNetworkConfiguration(
            ourID: peer, identity: identities[Int(peer.rawValue)], listenHost: "127.0.0.1",
            listenPort: ports[Int(peer.rawValue)], peers: endpoints)
        configuration.reconnectBackoff = ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(300))
        return configuration
    }

    /// Starts guardian `peer` from its database (fresh or existing).
    func start(_ peer: PeerID) async throws -> Guardian {
        let database = try SQLiteDatabase(path: databasePath(peer), schemas: [ConsensusStore.schema])
        let network = try PeerNetwork(configuration: networkConfiguration(peer))
        let verifier = SchnorrVoteVerifier(
            keys: Dictionary(uniqueKeysWithValues: peers.map { ($0, keypairs[Int($0.rawValue)].xOnlyPublicKey) }))
        let driver = ConsensusDriver(
            configuration: consensusConfiguration(peer),
            signer: SchnorrVoteSigner(peer: peer, keypair: keypairs[Int(peer.rawValue)]), verifier: verifier,
            transport: network, store: ConsensusStore(database: database))
        return try await Guardian(peer: peer, network: network, driver: driver)
    }

    static func reserveLoopbackPorts(_ count: Int) async throws -> [Int] {
        var channels: [any Channel] = []
        for _ in 0..<count {
            channels.append(
                try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: "127.0.0.1", port: 0).get())
        }
        let ports = channels.map { $0.localAddress!.port! }
        for channel in channels { try await channel.close() }
        return ports
    }
}

/// One running guardian: network, driver, and a subscriber recording every finalized block.
final class Guardian: Sendable {
    let peer: PeerID
    let network: PeerNetwork
    let driver: ConsensusDriver
    private let networkTask: Task<Void, any Error>
    private let driverTask: Task<Void, any Error>
    private let subscriberTask: Task<Void, any Error>
    private let blocks = NIOLockedValueBox<[FinalizedBlock]>([])

    init(peer: PeerID, network: PeerNetwork, driver: ConsensusDriver) async throws {
        self.peer = peer
        self.network = network
        self.driver = driver
        networkTask = Task { try await network.run() }
        driverTask = Task { try await driver.run() }
        let blocks = blocks
        subscriberTask = Task {
            for try await block in driver.finalizedBlocks(from: 0) { blocks.withLockedValue { $0.append(block) } }
        }
        _ = try await network.listeningPort()
    }

    var finalized: [FinalizedBlock] { blocks.withLockedValue { $0 } }
    var finalizedItems: [[UInt8]] { finalized.flatMap(\.items) }

    func stop() async throws {
        driver.shutdown()
        network.shutdown()
        try await driverTask.value
        try await networkTask.value
        try await subscriberTask.value
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

func eventually(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw TimedOut(what: what)
}
