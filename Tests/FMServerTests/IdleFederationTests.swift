import FMConsensus
import FMCore
import FMEncoding
import FMMintClient
import FMMintCommon
import FMPeerNetwork
import FMSecp256k1
import FMServer
import FMServerTesting
import FMTesting
import Foundation
import Testing

@Suite("An idle federation of four guardians (in process) stops producing items and slows its empty blocks")
struct IdleFederationTests {
    @Test("after a transaction the guardians report their state digests once, then an idle window holds no item and few blocks",
          .timeLimit(.minutes(2)))
    func idleWindowHoldsNoItems() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-idle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = try await LoopbackPorts.reserve(8)
        let configs = try TestingDealer.generateForTesting(
            ports: (0..<4).map { (p2p: ports[2 * $0], api: ports[2 * $0 + 1]) }, devMode: true,
            mintParameters: .object(["max_exponent": .unsigned(12)]))
        let databases = try Backend.guardianDatabasesUnderTest(4)
        let nodes = try configs.map { guardian in
            try GuardianNode(
                configs: guardian,
                databasePath: directory.appendingPathComponent("guardian-\(guardian.local.peerId.rawValue).sqlite").path,
                database: databases[Int(guardian.local.peerId.rawValue)],
                tuneConsensus: {
                    $0.iterationTimeout = .seconds(2)
                    $0.idleProposalDelay = .milliseconds(20)
                    $0.maxIdleProposalDelay = .milliseconds(400)
                    $0.retransmitInterval = .milliseconds(300)
                })
        }
        let tasks = nodes.map { node in Task { try await node.run() } }
        defer { for node in nodes { node.shutdown() } }
        _ = tasks

        // The Lightning module's first time votes (one per guardian at start, then one per 10 min while no contract
        // is funded) and the digest reports they cause come first: wait for them, so the window below sees idleness.
        try await eventually("every guardian's first time vote applied everywhere") {
            for node in nodes {
                let votes = try await node.processor.database.read { db in
                    try db.fetchOne("SELECT count(*) AS n FROM ln_time_votes")?.int64("n") ?? 0
                }
                if votes < 4 { return false }
            }
            return true
        }

        // One dev-issue, submitted to every guardian as a client does.
        let secret = try NoteDerivation(moduleSecret: [UInt8](repeating: 5, count: 64))
            .secret(denomination: Denomination(exponent: 10), index: 0)
        let issuer = Keypair()
        var transaction = Transaction(
            inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(
                .init(amount: Amount(msats: 1224), spendKey: issuer.xOnlyPublicKey)))],
            outputs: [ModuleItem(module: ModuleInstanceID(0), encoding: secret.output)], nonce: .random())
        transaction.signatures = [issuer.signSchnorr(message: transaction.txid.hash.bytes)]
        for node in nodes { #expect(try await node.submit(transaction) == .accepted) }
        try await eventually("the transaction applied everywhere") {
            for node in nodes {
                if try await node.processor.outcome(of: transaction.txid) == nil { return false }
            }
            return true
        }
        // The digest reports that follow it (at the first quiet block) settle within a few iterations.
        try await Task.sleep(for: .seconds(2))
        let start = nodes[0].driver.status.finalizedCount
        try await Task.sleep(for: .seconds(3))
        let end = nodes[0].driver.status.finalizedCount

        var blocks: [FinalizedBlock] = []
        for try await block in nodes[0].driver.finalizedBlocks(from: 0) {
            blocks.append(block)
            if block.header.height + 1 >= end { break }
        }
        let transactionBlock = try #require(blocks.firstIndex { block in
            block.items.contains { item in
                if case .some(.transaction(let applied)) = try? FederationItem(canonicalBytes: item) { applied.txid == transaction.txid } else { false }
            }
        })
        let reporters = Set(blocks[transactionBlock...].flatMap(\.items).compactMap { item -> PeerID? in
            if case .some(.stateDigest(let report)) = try? FederationItem(canonicalBytes: item) { report.peer } else { nil }
        })
        #expect(reporters.count == 4, "divergence detection needs every guardian's report after the transaction: \(reporters)")
        let window = blocks.filter { $0.header.height >= start }
        // Before: a block every ~20 ms (over 100 in 3 s), half of them carrying a digest report (every 8 blocks per
        // guardian). Now: nothing to report while idle, and empty blocks up to 400 ms apart.
        #expect(window.allSatisfy { $0.items.isEmpty }, "items while idle: \(window.map(\.items.count))")
        #expect(window.count <= 3_000 / 400 + 4, "\(window.count) blocks in 3 idle seconds")
    }
}
