import FMCore
import FMPeerNetwork
import FMServer
import FMServerTesting
import FMTesting
import Foundation
import Testing

/// One dev-mode guardian (n = 1) serving its API on a loopback port, for tests of the API surface itself.
/// `stop()` ends the node and the server and removes its directory.
final class SingleGuardianAPI {
    let node: GuardianNode
    let port: Int
    private let directory: URL
    private let tasks: [Task<Void, any Error>]

    init(limits: LocalConfig.APILimits, walletParameters: JSONValue = .object([:])) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-guardian-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = try await LoopbackPorts.reserve(2)
        var guardian = try TestingDealer.generateForTesting(
            ports: [(p2p: ports[0], api: ports[1])], devMode: true,
            mintParameters: .object(["max_exponent": .unsigned(12)]), walletParameters: walletParameters)[0]
        guardian.local.apiLimits = limits
        let node = try GuardianNode(
            configs: guardian, databasePath: directory.appendingPathComponent("guardian.sqlite").path,
            database: try Backend.underTest.guardianDatabase(),
            tuneConsensus: { $0.idleProposalDelay = .milliseconds(20) })
        let server = node.makeAPIServer(host: "127.0.0.1", port: 0)
        self.node = node
        tasks = [Task { try await node.run() }, Task { try await server.run() }]
        port = try await server.listeningPort()
    }

    func stop() {
        node.shutdown()
        for task in tasks.reversed() { task.cancel() }
        try? FileManager.default.removeItem(at: directory)
    }
}
