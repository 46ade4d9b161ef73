import FMCore
import FMDatabase
import FMLightningServer
import FMMintClient
import FMMintCommon
import FMMintServer
import FMPeerNetwork
import FMPostgres
import FMSecp256k1
import FMServer
import FMTesting
import FMWalletCommon
import Foundation
import Testing

/// Issue 19: four guardians in process, two keeping their state in PostgreSQL (`GuardianDatabase.postgres`) and two in
/// SQLite files, run consensus and apply the same blocks: after e-cash is issued every guardian records the same
/// outcomes and holds the same state digest at the same height, and none saw another's digest differ.
@Suite("A federation mixing PostgreSQL and SQLite guardians (in process) reaches identical state")
struct MixedBackendFederationTests {
    @Test(.timeLimit(.minutes(3)))
    func guardiansOnBothBackendsHoldIdenticalDigests() async throws {
        let server = try TestPostgres.requireOrSkip()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = try await LoopbackPorts.reserve(8)
        let registry = ModuleRegistry([MintServerInit(), LightningServerInit()])
        let configs = try TestingDealer.generateForTesting(
            ports: (0..<4).map { (p2p: ports[2 * $0], api: ports[2 * $0 + 1]) }, devMode: true,
            mintParameters: .object(["max_exponent": .unsigned(12)])
        ).map { guardian in
            var guardian = guardian
            guardian.consensus.modules.removeAll { $0.kind == WalletKind.kind }
            return guardian
        }
        let postgres: Set<UInt16> = [0, 2]
        let nodes = try configs.map { guardian in
            let peer = guardian.local.peerId.rawValue
            return try GuardianNode(
                configs: guardian, databasePath: directory.appendingPathComponent("guardian-\(peer).sqlite").path,
                database: postgres.contains(peer) ? .postgres(try server.newDatabase(), password: server.password) : .sqlite,
                registry: registry,
                tuneConsensus: {
                    $0.iterationTimeout = .seconds(2)
                    $0.idleProposalDelay = .milliseconds(20)
                    $0.maxIdleProposalDelay = .milliseconds(200)
                    $0.retransmitInterval = .milliseconds(300)
                })
        }
        let tasks = nodes.map { node in Task { try await node.run() } }
        defer { for node in nodes { node.shutdown() } }

        // Dev-issues submitted to every guardian (as a client does), and one copy that spends no signed input.
        var transactions: [Transaction] = []
        for index in 0..<3 {
            let secret = try NoteDerivation(moduleSecret: [UInt8](repeating: 5, count: 64))
                .secret(denomination: Denomination(exponent: 10), index: UInt64(index))
            let issuer = Keypair()
            var transaction = Transaction(
                inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(
                    .init(amount: Amount(msats: 1224), spendKey: issuer.xOnlyPublicKey)))],
                outputs: [ModuleItem(module: ModuleInstanceID(0), encoding: secret.output)], nonce: .random())
            transaction.signatures = [issuer.signSchnorr(message: transaction.txid.hash.bytes)]
            transactions.append(transaction)
            for node in nodes { #expect(try await node.submit(transaction) == .accepted) }
        }
        try await eventually("every transaction applied everywhere", timeout: .seconds(90)) {
            for node in nodes {
                for transaction in transactions where try await node.processor.outcome(of: transaction.txid) == nil { return false }
            }
            return true
        }
        let common = try await nodes.asyncMap { try await $0.processor.nextHeight() }.min()! - 1
        var digests: [UInt16: Hash256] = [:]
        for node in nodes {
            let digest = try await node.processor.stateDigest(at: common)
            #expect(digest != nil, "guardian \(node.peerID) has no digest at block \(common)")
            digests[node.peerID.rawValue] = digest
            #expect(try await node.processor.audit().total.liabilities == Amount(msats: 3 * 1024))
        }
        #expect(digests.count == 4 && Set(digests.values).count == 1, "state digests at block \(common) differ: \(digests)")
        #expect(nodes.filter { $0.processor.database is SQLiteStorage }.map(\.peerID.rawValue).sorted() == [1, 3])
        // Every guardian compares the digest reports it applies with its own: none differed.
        try await Task.sleep(for: .seconds(2))
        for node in nodes { #expect(try await node.processor.stateDigestStatus().mismatchCount == 0) }
        // SQLite's online backup does not apply to a PostgreSQL guardian: it refuses and names pg_dump.
        let backups = GuardianBackups(node: nodes[0], configDirectory: GuardianConfigDirectory(path: directory.path))
        await #expect(throws: GuardianBackupError.postgresDatabase) { try await backups.create() }
        #expect(GuardianBackupError.postgresDatabase.description.contains("pg_dump"))
        for node in nodes { node.shutdown() }
        for task in tasks { _ = try? await task.value }
        // postgres-nio requires its connections closed before they are released.
        for node in nodes { (node.processor.database as? PostgresStorage)?.close() }
    }
}
