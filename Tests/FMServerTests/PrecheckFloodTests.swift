import FMConsensus
import FMCore
import FMMintClient
import FMMintCommon
import FMPeerNetwork
import FMSecp256k1
import FMServer
import FMServerCore
import FMServerTesting
import FMTesting
import Foundation
import Synchronization
import Testing

/// Issue 16 item 1: a flood of 1,000-input transactions of well-formed notes with wrong signatures, submitted
/// concurrently to one guardian of four, while honest reissues go through the same guardian.
///
/// Asserted bound (loose, for a loaded 2-core machine): every honest reissue is accepted at all four guardians
/// within 30 s of its submission, and consensus finalizes blocks throughout. The latencies are printed
/// (docs/benchmarks/reliability.md).
@Suite("A flood of costly invalid transactions")
struct PrecheckFloodTests {
    static let honestBound = Duration.seconds(30)

    @Test("honest reissues complete and consensus keeps finalizing under a flood of forged 1,000-note transactions",
          .timeLimit(.minutes(4)))
    func floodOfForgedNotes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-flood-\(UUID().uuidString)")
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
                    $0.retransmitInterval = .milliseconds(300)
                })
        }
        let tasks = nodes.map { node in Task { try await node.run() } }
        defer {
            for node in nodes { node.shutdown() }
            for task in tasks { task.cancel() }
        }
        let mintConfig = try nodes[0].clientConfig.modules[0].config.decode(MintClientConfig.self)
        let derivation = try NoteDerivation(moduleSecret: [UInt8](repeating: 5, count: 64))
        var nextIndex: UInt64 = 0
        func secrets(_ exponents: [UInt8]) -> [NoteSecret] {
            exponents.map { exponent in
                defer { nextIndex += 1 }
                return derivation.secret(denomination: Denomination(exponent: exponent), index: nextIndex)
            }
        }
        func signed(_ transaction: Transaction, by keys: [Keypair]) -> Transaction {
            var transaction = transaction
            transaction.signatures = keys.map { $0.signSchnorr(message: transaction.txid.hash.bytes) }
            return transaction
        }
        /// Submits to guardian 0 and waits for acceptance at all four; returns the notes it issued.
        func settle(_ transaction: Transaction, outputs: [NoteSecret]) async throws -> [SpendableNote] {
            #expect(try await nodes[0].submit(transaction) == .accepted)
            for node in nodes {
                #expect(try await node.processor.awaitOutcome(of: transaction.txid, timeout: Self.honestBound) == .accepted)
            }
            return try await Array(outputs.enumerated()).asyncMap { pair in
                let (index, secret) = pair
                var outcomes: [PeerID: [UInt8]] = [:]
                for node in nodes {
                    outcomes[node.peerID] = try await node.processor.outputOutcome(OutPoint(txid: transaction.txid, outIndex: UInt64(index)))
                }
                return try NoteIssuance.finalize(secret, outcomes: outcomes, config: mintConfig).note
            }
        }

        // Five 1,024 msat notes for the honest reissues.
        let issuer = Keypair()
        let funding = secrets(Array(repeating: 10, count: 5))
        let issue = signed(
            Transaction(
                inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.devIssue(
                    .init(amount: Amount(msats: 5 * 1024 + 600), spendKey: issuer.xOnlyPublicKey)))],
                outputs: funding.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) }, nonce: .random()),
            by: [issuer])
        let notes = try await settle(issue, outputs: funding)

        // The flood: 1,000 notes each, nonce keys that sign correctly, one valid (but wrong) signature point.
        let keys = (0..<1_000).map { _ in Keypair() }
        let forgedInputs = keys.map { key in
            ModuleItem(module: ModuleInstanceID(0), encoding: MintInput.note(
                Note(denomination: Denomination(exponent: 10), nonce: key.xOnlyPublicKey, signature: notes[0].note.signature)))
        }
        let forged = signed(Transaction(inputs: forgedInputs, outputs: [], nonce: .random()), by: keys)
        let flood = FloodTally()
        let flooders = (0..<8).map { _ in
            Task { [flood, forged, nodes] in
                while !flood.stop.load(ordering: .relaxed) {
                    do {
                        switch try await nodes[0].submit(forged) {
                        case .accepted: flood.refused.withLock { $0.other.append("accepted") }
                        case .rejected(let why):
                            flood.refused.withLock { if why.code == "invalid_note_signature" { $0.invalid += 1 } else { $0.other.append(why.code) } }
                        }
                    } catch ProcessingError.busy {
                        flood.refused.withLock { $0.busy += 1 }
                        try? await Task.sleep(for: .milliseconds(10))
                    } catch {
                        flood.refused.withLock { $0.other.append("\(error)") }
                    }
                }
            }
        }

        let finalizedBefore = nodes[1].driver.status.finalizedCount
        var latencies: [Duration] = []
        for note in notes {
            let outputs = secrets([8, 8, 3, 2])
            let reissue = signed(
                Transaction(
                    inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: note.input)],
                    outputs: outputs.map { ModuleItem(module: ModuleInstanceID(0), encoding: $0.output) }, nonce: .random()),
                by: [note.spendKey])
            let start = ContinuousClock.now
            _ = try await settle(reissue, outputs: outputs)
            let latency = ContinuousClock.now - start
            latencies.append(latency)
            #expect(latency < Self.honestBound)
        }
        let finalizedAfter = nodes[1].driver.status.finalizedCount
        flood.stop.store(true, ordering: .relaxed)
        for flooder in flooders { await flooder.value }

        // Every guardian holds the same state digest at the last height all four applied, and none saw a mismatch.
        let common = try await nodes.asyncMap { try await $0.processor.nextHeight() }.min() ?? 1
        let digests = try await nodes.asyncMap { try await $0.processor.stateDigest(at: common - 1) }
        #expect(Set(digests).count == 1 && digests[0] != nil)
        for node in nodes { #expect(try await node.status().stateDigest?.mismatchCount == 0) }

        let (invalid, busy, other) = flood.refused.withLock { ($0.invalid, $0.busy, $0.other) }
        print("flood: \(invalid) forged transactions verified and refused, \(busy) refused as busy; honest reissue latencies \(latencies); blocks finalized during the flood: \(finalizedAfter - finalizedBefore)")
        #expect(other.isEmpty, "unexpected answers to the flood: \(other.prefix(3))")
        #expect(invalid > 0)
        #expect(finalizedAfter > finalizedBefore)
    }
}

/// What the flooders share: when to stop, and how their submissions were answered.
final class FloodTally: Sendable {
    let stop = Atomic(false)
    let refused = Mutex((invalid: 0, busy: 0, other: [String]()))
}
