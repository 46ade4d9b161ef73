import FMConsensus
import FMCore
import FMDatabase
import FMPeerNetwork
import FMSecp256k1
import FMStorage
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// n guardians' consensus in one process: each with its own TLS identity, consensus key, loopback port and database
/// (by default a SQLite file in a temporary directory, removed on deinit). For tests, benchmarks and demos of the real
/// stack.
///
/// Ports are picked by binding ephemeral ports and releasing them, so another process could in principle grab one
/// before a guardian binds it; do not use this for anything but local experiments.
public final class LoopbackFederation: Sendable {
    public let size: Int
    public let directory: URL
    public let identities: [TLSIdentity]
    public let keypairs: [Keypair]
    public let ports: [Int]
    public let federationID = FederationID(Hash256.sha256(Array("fm loopback federation".utf8)))
    /// Applied to every guardian's consensus configuration (timeouts, limits).
    public let tuneConsensus: @Sendable (inout ConsensusConfiguration) -> Void
    /// Opens guardian `peer`'s database with `schemas`; called at every start of that guardian, so it must open the
    /// same database each time (a restart resumes from it).
    public typealias OpenStorage = @Sendable (_ peer: PeerID, _ schemas: [StorageSchema]) throws -> any Storage
    private let openStorage: OpenStorage?

    /// `openStorage` nil: each guardian's SQLite file in ``directory``.
    public init(
        size: Int, tuneConsensus: @escaping @Sendable (inout ConsensusConfiguration) -> Void = { _ in },
        openStorage: OpenStorage? = nil
    ) async throws {
        self.tuneConsensus = tuneConsensus
        self.openStorage = openStorage
        self.size = size
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-federation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        identities = try (0..<size).map { try TLSIdentity.generate(name: "guardian-\($0)") }
        keypairs = (0..<size).map { _ in Keypair() }
        ports = try await LoopbackPorts.reserve(size)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public var peers: [PeerID] { (0..<size).map { PeerID(UInt16($0)) } }

    public func databasePath(_ peer: PeerID) -> String { directory.appendingPathComponent("guardian-\(peer.rawValue).sqlite").path }

    /// Loopback-friendly timing: short timeouts so tests and benchmarks move fast, and no idle back-off (they count
    /// on a steady stream of blocks); then `tuneConsensus`.
    public func consensusConfiguration(_ peer: PeerID) -> ConsensusConfiguration {
        var configuration = ConsensusConfiguration(
            peers: peers, ownID: peer, federationID: federationID, iterationTimeout: .seconds(2),
            idleProposalDelay: .milliseconds(20), maxIdleProposalDelay: .milliseconds(20), retransmitInterval: .milliseconds(300))
        tuneConsensus(&configuration)
        return configuration
    }

    public func networkConfiguration(_ peer: PeerID) -> PeerNetworkConfiguration {
        var endpoints: [PeerID: PeerEndpoint] = [:]
        for other in peers where other != peer {
            let index = Int(other.rawValue)
            endpoints[other] = PeerEndpoint(host: "127.0.0.1", port: ports[index], certificate: identities[index].certificate)
        }
        var configuration = PeerNetworkConfiguration(
            ourID: peer, networkID: federationID.hash, identity: identities[Int(peer.rawValue)], listenHost: "127.0.0.1",
            listenPort: ports[Int(peer.rawValue)], peers: endpoints)
        configuration.reconnectBackoff = ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(300))
        return configuration
    }

    /// Starts guardian `peer` from its database (fresh or existing).
    public func start(_ peer: PeerID) async throws -> LoopbackGuardian {
        let database = try openStorage?(peer, [ConsensusStore.schema])
            ?? SQLiteStorage(path: databasePath(peer), schemas: [ConsensusStore.schema])
        let network = try PeerNetwork(configuration: networkConfiguration(peer))
        let verifier = SchnorrConsensusVerifier(
            publicKeys: Dictionary(uniqueKeysWithValues: peers.map { ($0, keypairs[Int($0.rawValue)].xOnlyPublicKey) }))
        let driver = ConsensusDriver(
            configuration: consensusConfiguration(peer),
            signer: SchnorrConsensusSigner(peer: peer, keypair: keypairs[Int(peer.rawValue)]), verifier: verifier,
            transport: network, store: ConsensusStore(database: database))
        return try await LoopbackGuardian(peer: peer, network: network, driver: driver)
    }
}

/// One running guardian of a ``LoopbackFederation``: network, driver, and a subscriber that records every finalized
/// block (with the time it was seen, for latency measurements).
public final class LoopbackGuardian: Sendable {
    public let peer: PeerID
    public let network: PeerNetwork
    public let driver: ConsensusDriver
    private let networkTask: Task<Void, any Error>
    private let driverTask: Task<Void, any Error>
    private let subscriberTask: Task<Void, any Error>
    private let blocks = NIOLockedValueBox<[(block: FinalizedBlock, seen: ContinuousClock.Instant)]>([])

    init(peer: PeerID, network: PeerNetwork, driver: ConsensusDriver) async throws {
        self.peer = peer
        self.network = network
        self.driver = driver
        networkTask = Task { try await network.run() }
        driverTask = Task { try await driver.run() }
        let blocks = blocks
        subscriberTask = Task {
            for try await block in driver.finalizedBlocks(from: 0) {
                let seen = ContinuousClock.now
                blocks.withLockedValue { $0.append((block, seen)) }
            }
        }
        _ = try await network.listeningPort()
    }

    /// Blocks finalized so far, in order.
    public var finalized: [FinalizedBlock] { blocks.withLockedValue { $0.map(\.block) } }
    /// Items finalized so far, in order.
    public var finalizedItems: [[UInt8]] { finalized.flatMap(\.items) }
    /// Blocks finalized so far with the instant this guardian's subscriber saw each.
    public var finalizedWithTimes: [(block: FinalizedBlock, seen: ContinuousClock.Instant)] {
        blocks.withLockedValue { $0 }
    }

    /// Stops driver and network and waits for both.
    public func stop() async throws {
        driver.shutdown()
        network.shutdown()
        try await driverTask.value
        try await networkTask.value
        try await subscriberTask.value
    }
}

