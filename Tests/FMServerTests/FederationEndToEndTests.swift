import FMConsensus
import FMCore
import FMEncoding
import FMMintClient
import FMMintCommon
import FMPeerNetwork
import FMRPC
import FMSecp256k1
import FMServer
import FMServerTesting
import FMTesting
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("Four guardians on loopback from dealer configs")
struct FederationEndToEndTests {
    @Test("a dev-issue submitted to one guardian is accepted at all four, whose shares combine into a valid note; a stopped guardian restarts from its database and catches up",
          .timeLimit(.minutes(2)))
    func devIssueAcceptedEverywhere() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = try await LoopbackPorts.reserve(8)
        let configs = try TestingDealer.generateForTesting(
            ports: (0..<4).map { (p2p: ports[2 * $0], api: ports[2 * $0 + 1]) }, devMode: true,
            mintParameters: .object(["max_exponent": .unsigned(12)]))
        #expect(configs[0].consensus.threshold == 3)
        let databases = try Backend.guardianDatabasesUnderTest(4)
        func makeNode(_ guardian: GuardianConfigs) throws -> GuardianNode {
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
        let nodes = try configs.map(makeNode)
        let apiServers = nodes.map { $0.makeAPIServer() }
        let tasks = nodes.map { node in Task { try await node.run() } }
        let apiTasks = apiServers.map { server in Task { try await server.run() } }
        defer {
            for node in nodes { node.shutdown() }
            for task in apiTasks { task.cancel() }
        }
        for server in apiServers { _ = try await server.listeningPort() }

        let clients = configs.map { JSONRPCClient(url: $0.consensus.peers[Int($0.local.peerId.rawValue)].apiUrl) }
        let clientConfig = try await clients[0].call("client_config", as: ClientConfig.self)
        #expect(clientConfig.federationId == nodes[0].federationID)
        // The public consensus config is served as is; a client recomputes the federation id from it.
        let consensus = try await clients[0].call("consensus_config", as: ConsensusConfig.self)
        #expect(consensus == configs[0].consensus)
        let mintConfig = try clientConfig.modules[0].config.decode(MintClientConfig.self)

        // A dev-issue of one 1024 msat note (plus 200 msat fees), signed by its issuer.
        let secret = try NoteDerivation(moduleSecret: [UInt8](repeating: 3, count: 64))
            .secret(denomination: Denomination(exponent: 10), index: 0)
        let issuer = Keypair()
        var transaction = Transaction(
            inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(
                .init(amount: Amount(msats: 1224), spendKey: issuer.xOnlyPublicKey)))],
            outputs: [ModuleItem(module: ModuleInstanceID(0), encoding: secret.output)], nonce: .random())
        transaction.signatures = [issuer.signSchnorr(message: transaction.txid.hash.bytes)]

        let submitted = try await clients[0].call(
            "submit_transaction", params: CoreAPI.SubmitTransactionParams(transaction: Hex.encode(transaction.canonicalBytes)),
            as: CoreAPI.SubmitTransactionResult.self)
        #expect(submitted.txid == transaction.txid)

        var outcomes: [PeerID: [UInt8]] = [:]
        for (index, client) in clients.enumerated() {
            let status = try await client.call(
                "await_transaction", params: CoreAPI.AwaitTransactionParams(txid: transaction.txid), as: TransactionStatus.self)
            #expect(status.status == "accepted", "guardian \(index)")
            let outcome = try await client.call(
                "await_output_outcome", params: CoreAPI.AwaitOutputOutcomeParams(outPoint: OutPoint(txid: transaction.txid, outIndex: 0)),
                as: CoreAPI.OutputOutcome.self)
            outcomes[PeerID(UInt16(index))] = try #require(Hex.decode(outcome.outcome))
            // The batched call (core API 1.1) answers the same outcome.
            let batched = try await client.call(
                "await_output_outcomes", params: CoreAPI.AwaitOutputOutcomesParams(txid: transaction.txid, outIndices: [0]),
                as: CoreAPI.OutputOutcomes.self)
            #expect(batched.outcomes == [outcome.outcome], "guardian \(index)")
        }
        // Bounded work per call: no empty list, no repeats or disorder (each output is read once), at most 64 outputs.
        for refused: [UInt64] in [[], [0, 0], [1, 0], Array(0...64), [1_000]] {
            await #expect(throws: JSONRPCClientError.self, "\(refused)") {
                _ = try await clients[0].call(
                    "await_output_outcomes", params: CoreAPI.AwaitOutputOutcomesParams(txid: transaction.txid, outIndices: refused),
                    as: CoreAPI.OutputOutcomes.self)
            }
        }
        let session = try await clients[2].call(
            "await_signed_session", params: AwaitSignedSessionParams(index: 0), as: SignedSessionResult.self)
        let block = try FinalizedBlock(canonicalBytes: try #require(Hex.decode(session.block)))
        #expect(block.header.height == 0)
        let issued = try NoteIssuance.finalize(secret, outcomes: outcomes, config: mintConfig)
        #expect(issued.invalidSharePeers.isEmpty)
        #expect(issued.note.amount == Amount(msats: 1024))

        // An invalid transaction is refused at submission, with its reason.
        var unbalanced = transaction
        unbalanced.nonce = .random()
        unbalanced.outputs.append(ModuleItem(module: ModuleInstanceID(0), encoding: secret.output))
        unbalanced.signatures = [issuer.signSchnorr(message: unbalanced.txid.hash.bytes)]
        await #expect(throws: JSONRPCClientError.self) {
            _ = try await clients[1].call(
                "submit_transaction", params: CoreAPI.SubmitTransactionParams(transaction: Hex.encode(unbalanced.canonicalBytes)),
                as: CoreAPI.SubmitTransactionResult.self)
        }

        // The mint's own endpoints, served as mint/<name> through the same registry.
        let page = try await clients[1].call(
            "mint/issued_outputs", params: MintAPI.IssuedOutputsParams(from: 0), as: MintAPI.IssuedOutputsResult.self)
        #expect(page.outputs.map(\.outPoint) == [OutPoint(txid: transaction.txid, outIndex: 0)])
        #expect(page.outputs.map(\.blindedMessage) == [Hex.encode(secret.blindedMessage.canonicalBytes)])
        #expect(page.next == 1)
        let spent = try await clients[2].call(
            "mint/spent_nonces", params: MintAPI.SpentNoncesParams(nonces: [Hex.encode(secret.nonce.rawRepresentation)]),
            as: MintAPI.SpentNoncesResult.self)
        #expect(spent.spent == [false])
        do {
            _ = try await clients[2].call(
                "mint/spent_nonces", params: MintAPI.SpentNoncesParams(nonces: ["zz"]), as: MintAPI.SpentNoncesResult.self)
            Issue.record("a malformed nonce was accepted")
        } catch JSONRPCClientError.server(_, _, let error) {
            #expect(error.code == .invalidParams)
            #expect(error.data?.field == "params.nonces.0")
        }

        for client in clients {
            let audit = try await client.call("audit", as: AuditReport.self)
            #expect(audit.liabilities == Amount(msats: 1024))
            #expect(audit.solvent)
            let status = try await client.call("status", as: GuardianStatus.self)
            #expect(status.blockHeight >= 1)
            #expect(status.haltedReason == nil)
            await client.close()
        }
        // Guardian 3 stops; the other three (= t) go on accepting transactions; restarted from its database,
        // guardian 3 catches up and records the same outcome.
        nodes[3].shutdown()
        try await tasks[3].value
        // Stopped as a process would be: its API server and database connections end with it (on PostgreSQL the
        // database's writer lock refuses a second writer while the first is open).
        apiTasks[3].cancel()
        _ = await apiTasks[3].result
        nodes[3].closeDatabase()
        var second = Transaction(
            inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(
                .init(amount: Amount(msats: 712), spendKey: issuer.xOnlyPublicKey)))],
            outputs: [ModuleItem(module: ModuleInstanceID(0), encoding: try NoteDerivation(
                moduleSecret: [UInt8](repeating: 3, count: 64)).secret(denomination: Denomination(exponent: 9), index: 1).output)],
            nonce: .random())
        second.signatures = [issuer.signSchnorr(message: second.txid.hash.bytes)]
        _ = try await clients[1].call(
            "submit_transaction", params: CoreAPI.SubmitTransactionParams(transaction: Hex.encode(second.canonicalBytes)),
            as: CoreAPI.SubmitTransactionResult.self)
        let secondStatus = try await clients[2].call(
            "await_transaction", params: CoreAPI.AwaitTransactionParams(txid: second.txid), as: TransactionStatus.self)
        #expect(secondStatus.status == "accepted")
        let restarted = try makeNode(configs[3])
        let restartedTask = Task { try await restarted.run() }
        #expect(try await restarted.processor.awaitOutcome(of: second.txid, timeout: .seconds(30)) == .accepted)
        #expect(try await restarted.processor.outcome(of: transaction.txid) == .accepted)
        #expect(try await restarted.processor.audit().total.liabilities == Amount(msats: 1024 + 512))
        restarted.shutdown()
        try await restartedTask.value

        for node in nodes { node.shutdown() }
        for task in tasks { try await task.value }
    }
}

