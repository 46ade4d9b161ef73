import FMBitcoin
import FMConsensus
import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import FMServer
import FMServerCore
import FMWalletCommon
@testable import FMWalletServer
import FMServerTesting
import FMTesting
import Foundation
import Testing

/// Four in-process guardians (real consensus over TLS on loopback, ports 18760–18767) following an in-memory chain:
/// votes and signature shares travel as consensus items, peg-in proofs are checked against the blocks the
/// federation agreed on.
@Suite struct WalletFederationConsensusTests {
    @Test(.timeLimit(.minutes(2)))
    func claimsAreCheckedAgainstTheAgreedChainAndPegOutsAreSignedThroughConsensus() async throws {
        let chain = FakeChain(height: 10)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-wallet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = ModuleRegistry.standard(walletChain: chain, pollInterval: .milliseconds(100))
        let configs = try TestingDealer.generateForTesting(
            ports: (0..<4).map { (p2p: 18760 + 2 * $0, api: 18761 + 2 * $0) }, devMode: true, modules: registry,
            mintParameters: .object(["max_exponent": .unsigned(4)]), walletParameters: .object([
                "network": .string("regtest"),
                // No e-cash fees: one claim pegs out the deposit minus the bump reserve, which stays as change.
                "fees": .object(["peg_in": .unsigned(0), "peg_out": .unsigned(0)]),
            ]))
        let databases = try Backend.guardianDatabasesUnderTest(4)
        let nodes = try configs.map { guardian in
            try GuardianNode(
                configs: guardian, databasePath: directory.appendingPathComponent("g\(guardian.local.peerId.rawValue).sqlite").path,
                database: databases[Int(guardian.local.peerId.rawValue)], registry: registry,
                tuneConsensus: {
                    $0.iterationTimeout = .seconds(2)
                    $0.idleProposalDelay = .milliseconds(20)
                    $0.retransmitInterval = .milliseconds(300)
                })
        }
        let tasks = nodes.map { node in Task { try await node.run() } }
        defer {
            for node in nodes { node.shutdown() }
            for task in tasks { task.cancel() }
        }
        let wallets = nodes.map { $0.processor.modules[WalletKind.defaultInstance] as! WalletServerModule }
        let config = wallets[0].config

        // A deposit in block 11; an unrelated federation's deposit; a block the federation never sees.
        let tweak = Keypair()
        let deposit = try Self.deposit(100_000, to: config.depositAddress(tweakKey: tweak.publicKey))
        let block = chain.mine([deposit])
        let other = try WalletFederation(peers: 4, chain: FakeChain(height: 0), seed: 42).config
        let foreign = try Self.deposit(100_000, to: other.depositAddress(tweakKey: tweak.publicKey))
        let foreignBlock = chain.mine([foreign])
        let orphan = try Self.deposit(70_000, to: config.depositAddress(tweakKey: tweak.publicKey))
        var orphanBlock = block
        orphanBlock.transactions = [block.transactions[0], orphan]
        orphanBlock.header.merkleRoot = orphanBlock.computedMerkleRoot
        chain.mine([])  // tip 13: votes 11, the deposit's block is final once t guardians agreed its hash

        try await Self.waitUntil { try await Self.heights(nodes).allSatisfy { $0 >= 11 } }

        // Proofs for a block not in the agreed chain and for another federation's address are refused.
        func claim(_ transaction: FMBitcoin.Transaction, in block: FMBitcoin.Block, pegOut: PegOut) throws -> FMCore.Transaction {
            let proof = PegInProof(
                transaction: transaction, merkleBlock: MerkleBlock(block: block, matching: [transaction.txid]), outputIndex: 0,
                tweakKey: tweak.publicKey)
            var claim = FMCore.Transaction(
                inputs: [ModuleItem(module: WalletKind.defaultInstance, encoding: WalletInput.pegIn(proof))],
                outputs: [ModuleItem(module: WalletKind.defaultInstance, encoding: WalletOutput.pegOut(pegOut))], nonce: .random())
            claim.signatures = [tweak.signSchnorr(message: claim.txid.hash.bytes)]
            return claim
        }
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 9, count: 20))
        // In one transaction: claim 100,000 sat and peg out all of it but the network fee and the bump reserve.
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 90_000, rate: 1_000, config: config)
        let reserve = try PegOutFeeBump.reserve(fee: fee, feeRate: 1_000, config: config)
        let pegOut = PegOut(address: destination, amount: 100_000 - fee - reserve, feeRate: 1_000, fee: fee)
        #expect(try await nodes[1].submit(try claim(orphan, in: orphanBlock, pegOut: pegOut)) == .rejected(
            WalletError.unknownBlock(hash: orphanBlock.hash.displayHex).rejection))
        let refused = try await nodes[2].submit(try claim(foreign, in: foreignBlock, pegOut: pegOut))
        guard case .rejected(let rejection) = refused else { Issue.record("a foreign deposit was accepted"); return }
        #expect(rejection.code == "wrong_deposit_address")

        // The real claim is accepted everywhere; the peg-out is signed through consensus and broadcast.
        let accepted = try claim(deposit, in: block, pegOut: pegOut)
        #expect(try await nodes[0].submit(accepted) == .accepted)
        for node in nodes {
            let outcome = try await node.processor.awaitOutcome(of: accepted.txid, timeout: .seconds(60))
            #expect(outcome == .accepted)
        }
        try await Self.waitUntil { !chain.broadcasts.isEmpty }
        let signed = try #require(chain.broadcasts.first)
        #expect(signed.outputs == [
            TxOut(value: 100_000 - fee - reserve, scriptPubKey: destination.scriptPubKey),
            TxOut(value: reserve, scriptPubKey: config.descriptor.scriptPubKey),
        ])
        #expect(signed.inputs.map(\.previousOutput) == [FMBitcoin.OutPoint(txid: deposit.txid, index: 0)])

        // The same deposit again (another nonce): already claimed.
        let again = try await nodes[3].submit(try claim(deposit, in: block, pegOut: pegOut))
        guard case .rejected(let twice) = again else { Issue.record("a deposit was claimed twice"); return }
        #expect(twice.code == "deposit_already_claimed")
    }

    static func deposit(_ value: UInt64, to address: SegwitAddress) throws -> FMBitcoin.Transaction {
        FMBitcoin.Transaction(
            inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: try FMBitcoin.Hash256(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }), index: 0))],
            outputs: [TxOut(value: value, scriptPubKey: address.scriptPubKey)])
    }

    /// Each guardian's highest final height with every hash up to it agreed (what `wallet/block_height` answers).
    static func heights(_ nodes: [GuardianNode]) async throws -> [UInt64] {
        var heights: [UInt64] = []
        for node in nodes {
            heights.append(try await node.processor.database.read { db in try WalletServerModule.agreedHeight(db) })
        }
        return heights
    }

    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<600 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("condition not reached within 60 s")
    }
}
