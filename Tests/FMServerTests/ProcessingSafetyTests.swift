import FMCore
import FMDatabase
import FMMintClient
import FMMintCommon
import FMSecp256k1
import FMServer
import FMServerCore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("Processing safety: censorship by forged copies, failures as rejections, prechecks off the writer")
struct ProcessingSafetyTests {
    @Test("a copy with garbage signatures proposed first does not shadow the genuine transaction (issue 24 item 4)")
    func forgedCopyDoesNotCensor() async throws {
        var harness = try ProcessorHarness()
        defer { harness.remove() }
        let note = try await harness.issuedNote()
        let genuine = harness.reissue([note], into: harness.secrets([8, 8, 3, 2]))
        var forged = genuine
        forged.signatures = [Keypair().signSchnorr(message: genuine.txid.hash.bytes)]
        var unsigned = genuine
        unsigned.signatures = []
        #expect(forged.txid == genuine.txid)

        let first = try #require(try await harness.applyBlock([forged, unsigned]))
        #expect(first.transactions.map(\.recorded) == [false, false])
        // No copy its spender signed was processed, so the txid has no outcome yet (await_transaction keeps waiting).
        #expect(try await harness.processor.outcome(of: genuine.txid) == nil)
        #expect(try await harness.processor.precheck(genuine) == .accepted)

        let second = try #require(try await harness.applyBlock([genuine]))
        #expect(second.transactions.map(\.outcome) == [.accepted])
        #expect(try await harness.processor.outcome(of: genuine.txid) == .accepted)
        #expect(try await harness.processor.outputOutcome(OutPoint(txid: genuine.txid, outIndex: 0)) != nil)
        // An accepted txid is skipped from then on, forged or not.
        #expect(try await harness.applyBlock([forged, genuine])?.transactions.isEmpty == true)
    }

    @Test("a recorded rejection of a signed copy is final: a later copy is skipped (its client released the notes)")
    func recordedRejectionIsFinal() async throws {
        let faults = FaultyModule()
        var harness = try ProcessorHarness(extraModules: [faults])
        defer { harness.remove() }
        let transaction = harness.devIssueWithOutput(ModuleItem(module: faults.instance, payload: [FaultyModule.rejectWhileArmed]))
        faults.armed.withLock { $0 = true }
        let first = try #require(try await harness.applyBlock([transaction]))
        #expect(first.transactions.map(\.recorded) == [true])
        #expect(try await harness.processor.outcome(of: transaction.txid)?.isAccepted == false)
        faults.armed.withLock { $0 = false }
        // The state now allows it, but a re-proposed copy must not be applied: the client took the rejection as
        // final and released the notes.
        #expect(try await harness.applyBlock([transaction])?.transactions.isEmpty == true)
        #expect(try await harness.processor.outcome(of: transaction.txid)?.isAccepted == false)
        #expect(try await harness.processor.precheck(transaction).isAccepted == false)
    }

    @Test("any deterministic module error rejects the transaction or skips the item; the block goes on (issue 16 item 3)")
    func deterministicErrorsAreRejections() async throws {
        let faults = FaultyModule()
        var harness = try ProcessorHarness(extraModules: [faults])
        defer { harness.remove() }
        let failing = FaultyModule.deterministicFaults.map { fault in
            harness.devIssueWithOutput(ModuleItem(module: faults.instance, payload: [fault]))
        }
        let healthy = harness.devIssue(harness.secrets([4]))
        var items = failing.map { FederationItem.transaction($0).canonicalBytes }
        items += FaultyModule.deterministicFaults.map {
            FederationItem.module(ModuleItem(module: faults.instance, payload: [$0])).canonicalBytes
        }
        items.append(FederationItem.transaction(healthy).canonicalBytes)
        let outcome = try #require(try await harness.applyItems(items))
        let codes = outcome.transactions.map { entry -> String in
            if case .rejected(let why) = entry.outcome { return why.code } else { return "accepted" }
        }
        // An AmountError is the transaction's amount_overflow; the other errors become processing_failed.
        #expect(codes == ["amount_overflow", "processing_failed", "processing_failed", "processing_failed", "accepted"])
        #expect(try await harness.processor.nextHeight() == 1)
        #expect(faults.consensusItemsApplied.withLock { $0 } == 0)
        // Nothing the failing transactions wrote was kept.
        #expect(try await harness.processor.audit().total.liabilities == Amount(msats: 16))
    }

    @Test("an environmental failure aborts the block, which applies once the environment recovers")
    func environmentalErrorsAbortTheBlock() async throws {
        let faults = FaultyModule()
        var harness = try ProcessorHarness(extraModules: [faults])
        defer { harness.remove() }
        for fault in FaultyModule.environmentalFaults {
            let transaction = harness.devIssueWithOutput(ModuleItem(module: faults.instance, payload: [fault]))
            let items = [FederationItem.transaction(transaction).canonicalBytes]
            let processor = harness.processor
            let height = harness.height
            faults.armed.withLock { $0 = true }
            await #expect(throws: (any Error).self) {
                try await processor.apply(height: height, proposer: PeerID(0), items: items)
            }
            #expect(try await processor.nextHeight() == height)
            #expect(try await processor.outcome(of: transaction.txid) == nil)
            faults.armed.withLock { $0 = false }
            #expect(try await harness.applyItems(items)?.transactions.map(\.outcome) == [.accepted])
        }
    }

    @Test("state digests chain block by block, and a guardian's report that differs from ours is recorded (issue 16)")
    func digestMismatchDetected() async throws {
        var harness = try ProcessorHarness()
        defer { harness.remove() }
        let first = try #require(try await harness.applyBlock([harness.devIssue(harness.secrets([3]))]))
        #expect(try await harness.processor.stateDigest(at: 0) == first.stateDigest)
        let honest = StateDigestReport(peer: PeerID(0), height: 0, digest: first.stateDigest)
        let lying = StateDigestReport(peer: PeerID(0), height: 0, digest: Hash256.sha256([1]))
        let notProposer = StateDigestReport(peer: PeerID(1), height: 0, digest: Hash256.sha256([2]))
        let second = try #require(
            try await harness.applyItems([honest, lying, notProposer].map { FederationItem.stateDigest($0).canonicalBytes }))
        #expect(second.digestMismatches.map(\.theirs) == [lying.digest.hex])
        #expect(second.stateDigest != first.stateDigest)
        let status = try await harness.processor.stateDigestStatus()
        #expect(status.mismatchCount == 1)
        #expect(status.height == 1)
        #expect(status.digest == second.stateDigest.hex)
        #expect(status.recentMismatches.first?.ours == first.stateDigest.hex)
    }

    @Test("the pre-check of a 1,000-note transaction does not hold the writer (issue 16 item 1)")
    func precheckHoldsNoWriter() async throws {
        var harness = try ProcessorHarness()
        defer { harness.remove() }
        let flood = try await harness.forgedNoteTransaction(notes: 1_000)
        let processor = harness.processor
        let done = Mutex(false)
        let precheck = Task {
            defer { done.withLock { $0 = true } }
            return try await processor.precheck(flood)
        }
        try await Task.sleep(for: .milliseconds(50))
        // With the old code the pre-check ran inside database.write, and this write waited for all of it.
        let runningBefore = !done.withLock { $0 }
        try await processor.database.write { db in try db.execute("SELECT 1") }
        let writerWaited = runningBefore && done.withLock { $0 }
        #expect(runningBefore, "the pre-check finished within 50 ms: too fast to observe; use more notes")
        guard case .rejected(let why) = try await precheck.value else {
            Issue.record("forged notes passed the pre-check")
            return
        }
        #expect(why.code == "invalid_note_signature")
        #expect(!writerWaited, "the write waited for the pre-check to finish")
    }
}

extension ProcessorHarness {
    /// A dev-issue whose one extra output goes to `output` (a zero-amount test output), balanced with the fees.
    func devIssueWithOutput(_ output: ModuleItem, signer: Keypair = Keypair()) -> Transaction {
        let input = MintInput.devIssue(.init(amount: Amount(msats: 100), spendKey: signer.xOnlyPublicKey))
        return signed(
            Transaction(inputs: [ModuleItem(module: ModuleInstanceID(0), encoding: input)], outputs: [output], nonce: .random()),
            by: [signer])
    }

    /// Applies the next block with raw items.
    mutating func applyItems(_ items: [[UInt8]]) async throws -> BlockOutcome? {
        defer { height += 1 }
        return try await processor.apply(height: height, proposer: PeerID(0), items: items)
    }

    /// A transaction spending `notes` well-formed notes that the federation never signed, correctly signed by their
    /// nonce keys: it passes every check but the pairings. The notes share one (valid, wrong) signature point.
    mutating func forgedNoteTransaction(notes count: Int) async throws -> Transaction {
        let secrets = secrets([2])
        let issue = devIssue(secrets)
        try await applyBlock([issue])
        let real = try await note(secrets[0], txid: issue.txid, index: 0)
        let keys = (0..<count).map { _ in Keypair() }
        let inputs = keys.map { key in
            ModuleItem(
                module: ModuleInstanceID(0),
                encoding: MintInput.note(
                    Note(denomination: Denomination(exponent: 2), nonce: key.xOnlyPublicKey, signature: real.note.signature)))
        }
        let outputs = [ModuleItem(module: ModuleInstanceID(0), encoding: secrets[0].output)]
        return signed(Transaction(inputs: inputs, outputs: outputs, nonce: .random()), by: keys)
    }
}

/// A module whose outputs and consensus items fail on demand, by the payload's first byte, with each kind of error
/// a module can throw: stands in for overflow and storage bugs and for a machine whose disk fails.
final class FaultyModule: ServerModule, Sendable {
    static let amountOverflow: UInt8 = 0
    static let storedInteger: UInt8 = 1
    static let constraint: UInt8 = 2
    static let decoding: UInt8 = 3
    static let ioError: UInt8 = 10
    static let environmental: UInt8 = 11
    static let diskFull: UInt8 = 12
    static let rejectWhileArmed: UInt8 = 20
    static let deterministicFaults = [amountOverflow, storedInteger, constraint, decoding]
    static let environmentalFaults = [ioError, environmental, diskFull]

    struct NodeUnavailable: EnvironmentalError {}

    /// Environmental faults and ``rejectWhileArmed`` fail only while armed.
    let armed = Mutex(false)
    let consensusItemsApplied = Mutex(0)

    var kind: ModuleKind { "faulty-test" }
    var instance: ModuleInstanceID { ModuleInstanceID(8) }
    var schema: StorageSchema { StorageSchema(prefix: "faulty", migrations: []) }

    func fail(_ payload: [UInt8]) throws {
        let isArmed = armed.withLock { $0 }
        switch payload.first ?? .max {
        case Self.amountOverflow: _ = try Amount(msats: .max).adding(Amount(msats: 1))
        case Self.storedInteger: _ = try UInt64.max.storedInteger("faulty_value")
        case Self.constraint:
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE constraint failed")
        case Self.decoding: _ = try Transaction(canonicalBytes: [0xff])
        case Self.ioError where isArmed: throw DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error")
        case Self.environmental where isArmed: throw NodeUnavailable()
        case Self.diskFull where isArmed: throw DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")
        case Self.rejectWhileArmed where isArmed: throw TransactionRejection(code: "not_yet", message: "armed")
        default: break
        }
    }

    func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta {
        throw TransactionRejection.unsupported("inputs", kind: kind)
    }
    func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta {
        try fail(payload)
        return OutputMeta(amount: .zero, fee: .zero)
    }
    func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta {
        try fail(payload)
        return OutputMeta(amount: .zero, fee: .zero)
    }
    func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws {
        try fail(payload)
        consensusItemsApplied.withLock { $0 += 1 }
    }
    func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? { nil }
    func audit(db: any StorageReading) throws -> ModuleAudit { .empty }
}
