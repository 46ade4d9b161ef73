import FMClient
import FMClientCore
import FMCore
import FMCrypto
import FMLightningClient
import FMLightningCommon
import Foundation
import Synchronization
import Testing

/// `ln/await_decryption_share` over the guardians' real JSON-RPC (four guardians on loopback): a long poll answered
/// when the guardian commits the contract's funding, not on a timer, and bounded (`unknown_contract` after its limit).
@Suite(.serialized) struct AwaitDecryptionShareTests {
    @Test(.timeLimit(.minutes(3))) func answersWhenTheFundingIsCommittedAndGivesUpAfterItsLimit() async throws {
        let federation = try await LoopbackLightningFederation()
        defer { federation.stop() }
        try await federation.join("bob", msats: 1_000)
        try await federation.join("gateway")
        let gateway = FakeGateway(operations: try federation.open("gateway").1, federationID: federation.invite.federationId)
        let (_, bob) = try federation.open("bob", gateway: gateway)
        let announced = try await gateway.announce()
        try await federation.awaitConsensusTime(bob)
        _ = try await bob.receive(Amount(msats: 21_000), description: "tea", gateway: announced)
        let contract = try #require(gateway.incomingContracts.last)
        let config = bob.ln.config
        let method = "\(LightningClientModule.kind)/\(LightningAPI.awaitDecryptionShare)"

        // Asked before the funding: no answer yet (the guardians hold the call).
        let done = AnsweredFlag()
        let waiting = Task {
            defer { done.value.withLock { $0 = true } }
            return try await bob.ln.api.verifiedAnswers(
                method, params: LightningAPI.ContractParams(contractId: contract.id), as: LightningAPI.DecryptionShareResult.self,
                timeout: LightningAPI.awaitCallTimeout
            ) { peer, answer in
                guard let share = Hex.decode(answer.share).flatMap({ try? DecryptionShare(canonicalBytes: $0) }) else { return false }
                return contract.checkShares([peer: share], config: config).invalid.isEmpty
            }
        }
        try await Task.sleep(for: .seconds(2))
        let answeredEarly = done.value.withLock { $0 }
        #expect(!answeredEarly, "answered before the contract was funded")

        // Funded: the held calls answer with shares that verify, within moments of the acceptance.
        try await gateway.fund(contract)
        let accepted = ContinuousClock.now
        let answers = try await waiting.value
        let late = ContinuousClock.now - accepted
        #expect(answers.valid.count >= 3 && answers.failedVerification.isEmpty)
        #expect(late < .seconds(2), "answered \(late) after the funding was accepted")

        // Never funded: each guardian answers unknown_contract once its limit passed, not before and not never.
        let start = ContinuousClock.now
        let refusal = await #expect(throws: FederationQueryError.self) {
            _ = try await bob.ln.api.verifiedAnswers(
                method, params: LightningAPI.ContractParams(contractId: Hash256.sha256(Array("never funded".utf8))),
                as: LightningAPI.DecryptionShareResult.self, timeout: LightningAPI.awaitCallTimeout
            ) { _, _ in true }
        }
        guard case .rejected(_, let code, _) = refusal else {
            Issue.record("not refused with a code: \(String(describing: refusal))")
            return
        }
        #expect(code == LightningError.unknownContractCode)
        let waited = ContinuousClock.now - start
        #expect(waited >= LightningAPI.awaitLimit - .seconds(1) && waited < LightningAPI.awaitCallTimeout, "waited \(waited)")
    }
}

/// Set when the waiting call returned.
private final class AnsweredFlag: Sendable {
    let value = Mutex(false)
}
