import FMCore
import FMDatabase
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import FMTesting
import Testing

@Suite("Transaction processing with the mint module")
struct TransactionProcessorTests {
    @Test("a balanced, signed dev-issue is accepted and its outputs get signature shares that make valid notes", arguments: Backend.allCases)
    func devIssueAccepted(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let secrets = harness.secrets([3, 10])
        let transaction = harness.devIssue(secrets)
        #expect(try await harness.processor.precheck(transaction) == .accepted)
        // The pre-check changes nothing.
        #expect(try await harness.processor.outputOutcome(OutPoint(txid: transaction.txid, outIndex: 0)) == nil)
        let outcome = try #require(try await harness.applyBlock([transaction]))
        #expect(outcome.transactions.map(\.outcome) == [.accepted])
        #expect(try await harness.processor.outcome(of: transaction.txid) == .accepted)
        let note = try await harness.note(secrets[1], txid: transaction.txid, index: 1)
        #expect(note.amount == Amount(msats: 1024))
        let audit = try await harness.processor.audit()
        #expect(audit.total.liabilities == Amount(msats: 1032))
        #expect(audit.total.isSolvent)
        #expect(try await harness.processor.nextHeight() == 1)
    }

    @Test("unbalanced and badly signed transactions are rejected whole, with reasons, leaving no trace", arguments: Backend.allCases)
    func rejections(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let overpaying = harness.devIssue(harness.secrets([4]), extra: 1)
        let underpaying = harness.devIssue(harness.secrets([4]), extra: -1)
        var badSignature = harness.devIssue(harness.secrets([4]))
        badSignature.signatures = [Keypair().signSchnorr(message: badSignature.txid.hash.bytes)]
        var unsigned = harness.devIssue(harness.secrets([4]))
        unsigned.signatures = []

        if case .rejected(let why) = try await harness.processor.precheck(underpaying) {
            #expect(why.code == "unbalanced")
        } else {
            Issue.record("an underpaying transaction passed the pre-check")
        }
        let outcome = try #require(try await harness.applyBlock([overpaying, underpaying, badSignature, unsigned]))
        let codes = outcome.transactions.map { entry -> String? in
            if case .rejected(let why) = entry.outcome { return why.code } else { return nil }
        }
        #expect(codes == ["unbalanced", "unbalanced", "invalid_signature", "signature_count_mismatch"])
        for transaction in [overpaying, underpaying, badSignature, unsigned] {
            #expect(try await harness.processor.outputOutcome(OutPoint(txid: transaction.txid, outIndex: 0)) == nil)
        }
        let audit = try await harness.processor.audit()
        #expect(audit.total == ModuleAudit(assets: .zero, liabilities: .zero))
    }

    @Test("a note spent in one block cannot be spent in a later block", arguments: Backend.allCases)
    func doubleSpendAcrossBlocks(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let note = try await harness.issuedNote()
        // 1024 - 100 (input fee) - 4 × 100 (output fees) = 524 = 256 + 256 + 8 + 4
        let first = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        let second = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        #expect(try await harness.processor.precheck(second) == .accepted)
        #expect(try await harness.applyBlock([first])?.transactions.map(\.outcome) == [.accepted])
        guard case .rejected(let why) = try await harness.processor.precheck(second) else {
            Issue.record("the pre-check accepted a spent note")
            return
        }
        #expect(why.code == "note_already_spent")
        let outcome = try #require(try await harness.applyBlock([second]))
        #expect(outcome.transactions.map(\.outcome) == [.rejected(why)])
        #expect(try await harness.processor.outputOutcome(OutPoint(txid: second.txid, outIndex: 0)) == nil)
        #expect(try await harness.processor.audit().total.isSolvent)
    }

    @Test("of two transactions spending one note in the same block only the first is accepted", arguments: Backend.allCases)
    func doubleSpendWithinBlock(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let note = try await harness.issuedNote()
        let first = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        let second = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        let outcome = try #require(try await harness.applyBlock([first, second, first]))
        // The repeated first transaction is skipped, not processed twice.
        #expect(outcome.transactions.count == 2)
        #expect(outcome.transactions[0].outcome == .accepted)
        guard case .rejected(let why) = outcome.transactions[1].outcome else {
            Issue.record("a double spend within one block was accepted")
            return
        }
        #expect(why.code == "note_already_spent")
        // Liabilities: 524 of fresh notes from the single accepted reissue.
        #expect(try await harness.processor.audit().total.liabilities == Amount(msats: 524))
    }

    @Test("a block already applied is ignored and a block out of order is refused", arguments: Backend.allCases)
    func blockOrder(backend: Backend) async throws {
        var harness = try ProcessorHarness(backend: backend)
        defer { harness.remove() }
        let issue = harness.devIssue(harness.secrets([2]))
        try await harness.applyBlock([issue])
        #expect(try await harness.processor.apply(height: 0, proposer: PeerID(0), items: []) == nil)
        let processor = harness.processor
        await #expect(throws: ProcessingError.outOfOrder(expected: 1, found: 5)) {
            try await processor.apply(height: 5, proposer: PeerID(0), items: [])
        }
    }

    @Test("when liabilities exceed assets after a block the guardian halts and applies nothing more", arguments: Backend.allCases)
    func auditHalts(backend: Backend) async throws {
        var harness = try ProcessorHarness(extraModules: [InsolventModule()], backend: backend)
        defer { harness.remove() }
        let outcome = try #require(try await harness.applyBlock([]))
        let reason = try #require(outcome.haltedReason)
        #expect(reason.contains("liabilities"))
        #expect(try await harness.processor.haltReason() == reason)
        let processor = harness.processor
        await #expect(throws: ProcessingError.halted(reason)) {
            try await processor.apply(height: 1, proposer: PeerID(0), items: [])
        }
    }
}

/// A module that owes more than it holds: stands in for a bug or an attack the audit must catch.
private struct InsolventModule: ServerModule {
    var kind: ModuleKind { "insolvent-test" }
    var instance: ModuleInstanceID { ModuleInstanceID(9) }
    var schema: StorageSchema { StorageSchema(prefix: "insolvent", migrations: []) }
    func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta {
        throw TransactionRejection.unsupported("outputs", kind: kind)
    }
    func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta {
        throw TransactionRejection.unsupported("outputs", kind: kind)
    }
    func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? { nil }
    func audit(db: any StorageReading) throws -> ModuleAudit { ModuleAudit(assets: .zero, liabilities: Amount(msats: 1)) }
}
