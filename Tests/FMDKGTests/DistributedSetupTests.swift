import FMCore
import FMDKG
import FMServer
import FMServerCore
import FMSetup
import FMTesting
import Foundation
import Testing

/// The whole setup over real mutual-TLS links on loopback (ports 18200–18219): configs fm-node can run.
@Suite(.serialized) struct DistributedSetupTests {
    static let plan = FederationModulePlan.default(devMode: true, parameters: ["mint": .object(["max_exponent": .integer(2)])])

    /// Guardian i starts 0.3·i s after guardian 0; returns each one's outcome.
    static func runOverTLS(
        _ guardians: TestGuardians, absent: Set<PeerID> = [], timeout: Duration
    ) async throws -> [PeerID: Result<GuardianConfigs, any Error>] {
        let setups = try guardians.peers.map { peer in
            try DistributedSetup(
                guardians: guardians.participants.guardians.map(\.json), identity: guardians.identities[Int(peer.rawValue)],
                ownPeer: peer, plan: plan, devMode: true)
        }
        return await withTaskGroup(of: (PeerID, Result<GuardianConfigs, any Error>).self) { group in
            for peer in guardians.peers where !absent.contains(peer) {
                let setup = setups[Int(peer.rawValue)]
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(300 * Int(peer.rawValue)))
                    do {
                        let configs = try await DistributedKeyGeneration.run(
                            participants: guardians.participants, identity: setup.identity,
                            parametersDigest: setup.parametersDigest, options: .init(timeout: timeout)
                        ) { session in try await setup.run(session: session) }
                        return (peer, .success(configs))
                    } catch {
                        return (peer, .failure(error))
                    }
                }
            }
            var results: [PeerID: Result<GuardianConfigs, any Error>] = [:]
            for await (peer, result) in group { results[peer] = result }
            return results
        }
    }

    @Test func fourGuardiansOverTLSProduceConfigsThatFitTogether() async throws {
        let guardians = try TestGuardians(4, basePort: 18_200)
        let results = try await Self.runOverTLS(guardians, timeout: .seconds(60))
        let configs = try guardians.peers.map { try results[$0]!.get() }
        let consensus = configs[0].consensus
        #expect(configs.allSatisfy { $0.consensus == consensus })
        #expect(consensus.threshold == 3 && consensus.devMode)
        #expect(consensus.peers.map(\.name) == ["guardian-0", "guardian-1", "guardian-2", "guardian-3"])
        for (index, config) in configs.enumerated() {
            #expect(config.local.peerId == PeerID(UInt16(index)))
            #expect(config.local.p2pBindPort == 18_200 + 2 * index && config.local.apiBindPort == 18_201 + 2 * index)
            // The module servers check that every secret key share matches its public key share.
            // mint, wallet and ln: the ln module checks its DKG-generated encryption key share too.
            #expect(try GuardianModules.build(config, registry: .standard).map(\.kind) == ["mint", "wallet", "ln"])
        }

        // Sealed at rest, 0600, and only the right passphrase opens it.
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let directory = GuardianConfigDirectory(path: dir.appendingPathComponent("g0").path)
        let passphrase = Array("correct-horse".utf8)
        try directory.save(configs[0], modules: .standard, passphrase: passphrase)
        #expect(try directory.privateConfigIsSealed())
        let privateFile = directory.file(GuardianConfigDirectory.privateFile)
        let attributes = try FileManager.default.attributesOfItem(atPath: privateFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let onDisk = try String(contentsOfFile: privateFile, encoding: .utf8)
        #expect(!onDisk.contains(configs[0].private.consensusSecretKey))
        #expect(try directory.load(passphrase: passphrase) == configs[0])
        #expect(throws: InvalidInput.self) { try directory.load() }
        #expect(throws: SecretsError.wrongPassphrase) { try directory.load(passphrase: Array("wrong-horse".utf8)) }
    }

    @Test func aGuardianThatNeverComesIsNamedAfterTheTimeout() async throws {
        let guardians = try TestGuardians(4, basePort: 18_210)
        let results = try await Self.runOverTLS(guardians, absent: [3], timeout: .seconds(2))
        for peer in [PeerID(0), PeerID(1), PeerID(2)] {
            let error = try #require(dkgError(results[peer]))
            // Guardian 0 started first and gives up first; it tells the others why, so they may stop before
            // their own timeout with its reason.
            #expect(
                error == .timedOut(step: .hello, missing: [guardians.participants.guardian(3)], timeout: .seconds(2))
                    || (error.code == "dkg_peer_aborted" && error.description.contains("no message from guardian-3")),
                "\(error)")
        }
        #expect(dkgError(results[0]) == .timedOut(step: .hello, missing: [guardians.participants.guardian(3)], timeout: .seconds(2)))
    }
}

/// A session that reports another federation id for guardian 1: what a guardian that computed a different
/// consensus config looks like to the others.
private struct DisagreeingSession: DistributedConfigSession {
    let inner: DKGSession
    var peers: [PeerID] { inner.peers }
    var ownPeer: PeerID { inner.ownPeer }
    var threshold: Int { inner.threshold }
    func generateThresholdKeys(count: Int) async throws -> [DistributedThresholdKey] {
        try await inner.generateThresholdKeys(count: count)
    }
    func exchangePublicValues(_ value: [UInt8]) async throws -> [PeerID: [UInt8]] {
        var values = try await inner.exchangePublicValues(value)
        // Only the round that compares 32-byte config hashes (modules exchange their own values, e.g. the
        // wallet's 33-byte peg-in keys).
        guard value.count == 32 else { return values }
        values[PeerID(1)] = [UInt8](repeating: 0xab, count: 32)
        return values
    }
}

@Suite struct ConsensusConfigAgreementTests {
    @Test func aGuardianWithAnotherConsensusConfigIsNamedAndNothingIsReturned() async throws {
        let guardians = try TestGuardians(4)
        let plan = FederationModulePlan.default(devMode: false, parameters: ["mint": .object(["max_exponent": .integer(1)])])
        let setups = try guardians.peers.map { peer in
            try DistributedSetup(
                guardians: guardians.participants.guardians.map(\.json), identity: guardians.identities[Int(peer.rawValue)],
                ownPeer: peer, plan: plan, devMode: false)
        }
        let results = await runInMemory(guardians, parametersDigest: { _ in setups[0].parametersDigest }) { session in
            let setup = setups[Int(session.ownPeer.rawValue)]
            return try await setup.run(session: session.ownPeer == PeerID(0) ? DisagreeingSession(inner: session) : session)
        }
        guard case .failure(let error)? = results[0] else { Issue.record("guardian 0 must fail"); return }
        guard case .mismatch(let text)? = error as? ConfigError else { Issue.record("\(error)"); return }
        #expect(text.hasPrefix("guardian-1 (peer 1) computed a different consensus config (federation id abababab"), "\(text)")
        // Guardian 0's abort reaches the others during the final round: nobody writes configs.
        for peer in [PeerID(1), PeerID(2), PeerID(3)] {
            let other = try #require(dkgError(results[peer]))
            #expect(other.code == "dkg_peer_aborted" && other.description.contains("guardian-1 (peer 1) computed"), "\(other)")
        }
    }
}
