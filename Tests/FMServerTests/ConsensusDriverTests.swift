import FMConsensus
import FMCore
import FMServer
import FMServerTesting
import FMStorage
import FMDatabase
import Foundation
import Synchronization
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct ConsensusDriverTests {
    /// Every guardian's chain must equal the others' on their common prefix, block for block.
    func expectPrefixConsistent(_ guardians: [LoopbackGuardian]) {
        let chains = guardians.map { $0.finalized.map(\.header) }
        for chain in chains.dropFirst() {
            let common = min(chain.count, chains[0].count)
            #expect(Array(chain.prefix(common)) == Array(chains[0].prefix(common)))
        }
    }

    @Test func fourGuardiansOverLoopbackTLSFinalizeTheSameSequence() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        let items = (0..<24).map { Array("item \($0)".utf8) }
        for (k, item) in items.enumerated() { try await guardians[k % 4].driver.submit(item: item) }

        try await eventually("every guardian finalized every item") {
            guardians.allSatisfy { Set($0.finalizedItems).isSuperset(of: items) }
        }
        expectPrefixConsistent(guardians)
        for guardian in guardians {
            let finalizedItems = guardian.finalizedItems
            #expect(finalizedItems.count == Set(finalizedItems).count, "no item is finalized twice")
            let blocks = guardian.finalized
            #expect(blocks.enumerated().allSatisfy { $0.offset == Int($0.element.header.height) })
        }
        // A duplicate submission is refused while the item is remembered as finalized.
        await #expect(throws: ConsensusSubmitError.rejected(.duplicate)) {
            try await guardians[0].driver.submit(item: items[0])
        }
        for guardian in guardians { try await guardian.stop() }
        await #expect(throws: ConsensusSubmitError.notRunning) { try await guardians[0].driver.submit(item: [1]) }
    }

    @Test func singleGuardianOrdersItsOwnItemsAndRunsOnlyOnce() async throws {
        let federation = try await LoopbackFederation.underTest(size: 1)
        let guardian = try await federation.start(PeerID(0))
        let items = (0..<10).map { Array("solo \($0)".utf8) }
        for item in items { try await guardian.driver.submit(item: item) }
        try await eventually("items finalized") { guardian.finalizedItems.count == items.count }
        #expect(guardian.finalizedItems.sorted { $0.lexicographicallyPrecedes($1) } == items.sorted { $0.lexicographicallyPrecedes($1) })
        await #expect(throws: ConsensusDriverError.alreadyStarted) { try await guardian.driver.run() }
        try await guardian.stop()
    }

    @Test func stoppedGuardianRestartsFromItsDatabaseAndCatchesUp() async throws {
        let federation = try await LoopbackFederation.underTest(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        let early = (0..<8).map { Array("early \($0)".utf8) }
        for (k, item) in early.enumerated() { try await guardians[k % 4].driver.submit(item: item) }
        try await eventually("early items finalized everywhere") {
            guardians.allSatisfy { Set($0.finalizedItems).isSuperset(of: early) }
        }

        try await guardians[3].stop()
        let storedBeforeRestart = guardians[3].finalized.count
        // Three of four guardians are a quorum: the federation keeps finalizing without guardian 3.
        let late = (0..<12).map { Array("late \($0)".utf8) }
        for (k, item) in late.enumerated() { try await guardians[k % 3].driver.submit(item: item) }
        try await eventually("late items finalized by the running guardians") {
            guardians.prefix(3).allSatisfy { Set($0.finalizedItems).isSuperset(of: late) }
        }

        guardians[3] = try await federation.start(PeerID(3))
        let target = guardians[0].finalized.count
        try await eventually("restarted guardian caught up") { guardians[3].finalized.count >= target }
        #expect(target > storedBeforeRestart)
        #expect(Set(guardians[3].finalizedItems).isSuperset(of: early + late))
        expectPrefixConsistent(guardians)

        // The restarted guardian takes part again: an item submitted to it is finalized everywhere.
        let after = Array("after restart".utf8)
        try await guardians[3].driver.submit(item: after)
        try await eventually("item submitted to the restarted guardian finalized") {
            guardians.allSatisfy { $0.finalizedItems.contains(after) }
        }
        expectPrefixConsistent(guardians)
        for guardian in guardians { try await guardian.stop() }
    }

    /// A submission is answered once the engine took the item, not after the commit of the step it started: a lone
    /// leader proposes (and here finalizes) it at once, and its submitter must not wait for that fsync. Before, the
    /// answer came after the commit, which this test holds back.
    @Test func aSubmissionIsAnsweredBeforeItsStepIsStored() async throws {
        let opened = Mutex<HeldWrites?>(nil)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-held-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // No idle proposals during the test: the only step after start is the one the submission starts.
        let federation = try await LoopbackFederation(
            size: 1,
            tuneConsensus: {
                $0.idleProposalDelay = .seconds(60)
                $0.maxIdleProposalDelay = .seconds(60)
                $0.iterationTimeout = .seconds(120)
            },
            openStorage: { _, schemas in
                let storage = HeldWrites(try SQLiteStorage(path: directory.appendingPathComponent("g.sqlite").path, schemas: schemas))
                opened.withLock { $0 = storage }
                return storage
            })
        let guardian = try await federation.start(PeerID(0))
        let storage = try #require(opened.withLock { $0 })
        try await eventually("the guardian is idle, waiting for items") {
            guardian.driver.status.isRunning && storage.idle(for: .milliseconds(300))
        }

        storage.hold()
        let item = Array("answered before stored".utf8)
        let submission = Task { (try? await guardian.driver.submit(item: item)) != nil }
        try await eventually("the submission's step reached the storage and is held") { storage.heldWrites > 0 }
        let answeredWhileHeld = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await submission.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let first = await group.next()!
            storage.release()  // the submission (if still waiting) finishes once the commit goes through
            group.cancelAll()
            return first
        }
        #expect(answeredWhileHeld, "the submission waited for its step's commit")
        try await eventually("the item is finalized once the commit goes through") { guardian.finalizedItems.contains(item) }
        try await guardian.stop()
    }
}

/// Storage whose asynchronous writes (the consensus steps' commits) wait while held; everything else passes through.
private final class HeldWrites: Storage, @unchecked Sendable {
    let base: any Storage
    private let state = Mutex<(holding: Bool, waiters: [CheckedContinuation<Void, Never>], held: Int, last: ContinuousClock.Instant)>(
        (false, [], 0, .now))
    init(_ base: any Storage) { self.base = base }

    func hold() { state.withLock { $0.holding = true } }
    func release() {
        let waiters = state.withLock { state in
            state.holding = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
    /// Writes that had to wait for ``release()``.
    var heldWrites: Int { state.withLock { $0.held } }
    /// No write completed within `quiet`.
    func idle(for quiet: Duration) -> Bool { state.withLock { ContinuousClock.now - $0.last > quiet } }

    var dialect: SQLDialect { base.dialect }
    func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state in
                guard state.holding else { return false }
                state.held += 1
                state.waiters.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
        let value = try await base.write(durability: durability, body)
        state.withLock { $0.last = .now }
        return value
    }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T { try await base.read(body) }
    func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T { try base.writeNow(body) }
    func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T { try base.readNow(body) }
}
