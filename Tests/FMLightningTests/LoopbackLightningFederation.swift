import FMClient
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMPeerNetwork
import FMServer
import FMServerTesting
import FMTesting
import Foundation
import Testing

/// Four real guardians on loopback (dealer configs, the standard modules, the system clock: time votes every 10 s
/// while a contract is funded) and clients joined by name, each with 200,000 msat of dev-issued notes.
final class LoopbackLightningFederation: @unchecked Sendable {
    let directory: URL
    let nodes: [GuardianNode]
    let invite: InviteCode
    private let tasks: [Task<Void, any Error>]

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-ln-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = try await LoopbackPorts.reserve(8)
        let configs = try TestingDealer.generateForTesting(
            ports: (0..<4).map { (p2p: ports[2 * $0], api: ports[2 * $0 + 1]) }, devMode: true,
            mintParameters: .object(["max_exponent": .unsigned(20)]))
        let directory = directory
        let databases = try Backend.guardianDatabasesUnderTest(4)
        nodes = try configs.map { guardian in
            try GuardianNode(
                configs: guardian,
                databasePath: directory.appendingPathComponent("guardian-\(guardian.local.peerId.rawValue).sqlite").path,
                database: databases[Int(guardian.local.peerId.rawValue)],
                tuneConsensus: {
                    $0.iterationTimeout = .seconds(2)
                    $0.idleProposalDelay = .milliseconds(20)
                    $0.retransmitInterval = .milliseconds(300)
                })
        }
        let apiServers = nodes.map { $0.makeAPIServer() }
        tasks = nodes.map { node in Task { try await node.run() } } + apiServers.map { server in Task { try await server.run() } }
        for server in apiServers { _ = try await server.listeningPort() }
        invite = InviteCode(federationId: nodes[0].federationID, peer: PeerID(0), apiUrl: configs[0].consensus.peers[0].apiUrl)
    }

    func stop() {
        for node in nodes { node.shutdown() }
        for task in tasks { task.cancel() }
        try? FileManager.default.removeItem(at: directory)
    }

    func clientDirectory(_ name: String) -> ClientDirectory { ClientDirectory(path: directory.appendingPathComponent(name).path) }

    /// Joins `name` and dev-issues `msats` to it.
    func join(_ name: String, msats: UInt64 = 200_000) async throws {
        let client = try await FederationClient.join(invite: invite, directory: clientDirectory(name), modules: ClientModules.all)
        let mint = try #require(client.module(MintClientModule.self))
        #expect(try await mint.await(try await mint.devIssue(Amount(msats: msats))).status == OperationStatus.succeeded)
    }

    /// Opens the joined client `name` (as a new process would), optionally through `transport`.
    func open(
        _ name: String, gateway: any GatewayConnection = HTTPGatewayConnection(timeout: .seconds(2)),
        transport: (any GuardianTransport)? = nil
    ) throws -> (FederationClient, LightningOperations) {
        let client = try FederationClient.open(
            invite.federationId, directory: clientDirectory(name), modules: ClientModules.all, transport: transport)
        return (client, try client.lightningOperations(gateway: gateway, pollInterval: .milliseconds(100)))
    }

    /// Waits until consensus time has started (the guardians' first votes).
    func awaitConsensusTime(_ operations: LightningOperations) async throws {
        while try await operations.ln.consensusTime() == 0 { try await Task.sleep(for: .milliseconds(100)) }
    }

    /// Every guardian's audit balances; returns the Lightning module's liabilities (identical everywhere).
    func auditedContracts() async throws -> [Amount] {
        var liabilities: [Amount] = []
        for node in nodes {
            let audit = try await node.processor.audit()
            #expect(audit.total.isSolvent)
            liabilities.append(audit.modules.first { $0.kind == LightningKind.kind }?.audit.liabilities ?? .zero)
        }
        return liabilities
    }
}
