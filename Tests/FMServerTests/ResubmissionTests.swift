import Dispatch
import FMCore
import FMDatabase
import FMMintClient
import FMMintCommon
import FMServer
import FMServerTesting
import FMServerCore
import FMTesting
import Synchronization
import Testing

/// A client resubmits a transaction it already submitted (a guardian did not answer, a quorum came back late): the
/// answer must be the transaction's recorded outcome. Before review 10 a resubmission whose own block was applied
/// while its pre-check ran got 'note already spent' (its inputs, spent by itself) and the client recorded the
/// accepted reissue as failed (local CI run 3, WalletUXTests.pendingShown).
@Suite("Resubmitted transactions")
struct ResubmissionTests {
    @Test("an accepted transaction submitted again answers accepted", arguments: Backend.allCases)
    func acceptedThenResubmitted(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let note = try await harness.issuedNote()
        let reissue = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        #expect(try await harness.processor.precheck(reissue) == .accepted)
        #expect(try await harness.applyBlock([reissue])?.transactions.map(\.outcome) == [.accepted])
        #expect(try await harness.processor.precheck(reissue) == .accepted)
    }

    @Test("a guardian answers its accepted reissue submitted again with accepted", .timeLimit(.minutes(2)))
    func guardianAnswersAResubmittedReissue() async throws {
        let guardian = try await SingleGuardianAPI(limits: LocalConfig.APILimits())
        defer { guardian.stop() }
        let node = guardian.node
        // The harness only builds the transactions; the guardian's own mint signs the notes.
        var builder = try ProcessorHarness()
        defer { builder.remove() }
        let mintConfig = try node.configs.consensus.modules[0].config.decode(MintClientConfig.self)
        let secrets = builder.secrets([10])
        let issue = builder.devIssue(secrets)
        #expect(try await node.submit(issue) == .accepted)
        try await eventually("the dev-issue applied") { try await node.processor.outcome(of: issue.txid) != nil }
        let share = try await node.processor.outputOutcome(OutPoint(txid: issue.txid, outIndex: 0))
        let note = try NoteIssuance.finalize(secrets[0], outcomes: [node.peerID: share ?? []], config: mintConfig).note
        let reissue = builder.reissue([note], into: builder.secrets([8, 8, 3, 2]))
        #expect(try await node.submit(reissue) == .accepted)
        try await eventually("the reissue applied") { try await node.processor.outcome(of: reissue.txid) != nil }
        #expect(try await node.processor.outcome(of: reissue.txid) == .accepted)
        #expect(try await node.submit(reissue) == .accepted)
    }

    @Test("a transaction whose block is applied while its pre-check runs answers its recorded outcome", arguments: Backend.allCases)
    func blockAppliedDuringPrecheck(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let note = try await harness.issuedNote()
        let reissue = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))

        // A second processor on the same database whose mint stops in the stateless checks: after the look-up of
        // the recorded outcome (none yet), before the stateful check.
        let mint = try #require(harness.processor.modules[ModuleInstanceID(0)])
        let gate = ProofGate()
        let gated = TransactionProcessor(database: harness.processor.database, modules: [ProofObservedModule(mint) { _ in gate.pass() }])
        let precheck = Task { try await gated.precheck(reissue) }
        await gate.entered()
        #expect(try await harness.applyBlock([reissue])?.transactions.map(\.outcome) == [.accepted])
        gate.release()
        #expect(try await precheck.value == .accepted)
    }
}

/// Stops the first caller of ``pass()`` until ``release()``.
private final class ProofGate: Sendable {
    private let passed = Mutex(false)
    private let arrived = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// On the verification queue's thread: the first call waits there for ``release()``.
    func pass() {
        guard passed.withLock({ passed in defer { passed = true }; return !passed }) else { return }
        arrived.signal()
        released.wait()
    }

    func entered() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.arrived.wait()
                continuation.resume()
            }
        }
    }

    func release() { released.signal() }
}
