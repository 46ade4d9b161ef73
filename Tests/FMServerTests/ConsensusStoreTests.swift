import FMConsensus
import FMCore
import FMDatabase
import FMSecp256k1
import FMStorage
import FMServer
import FMTesting
import Foundation
import Testing

/// The consensus store on both backends (the same tests, a parameter): the chain and the checkpoint survive reopening,
/// blocks are served in height order, and the chain's continuity is checked inside the write transaction.
@Suite struct ConsensusStoreTests {
    /// Opens the store in `place` (again: as a restarted guardian would).
    func openStore(_ place: StoragePlace) throws -> ConsensusStore {
        ConsensusStore(database: try place.open([ConsensusStore.schema]))
    }

    /// A chain of `count` blocks after genesis, signed by a single test key (the store does not verify).
    func chain(_ count: Int, genesis: Hash256 = Hash256.sha256([0])) -> [FinalizedBlock] {
        let key = Keypair()
        var parent = genesis
        var blocks: [FinalizedBlock] = []
        for height in 0..<UInt64(count) {
            let items = [Array("item \(height)".utf8)]
            let header = BlockHeader(
                height: height, iteration: 2 * height + 1, proposer: PeerID(0), parentHash: parent,
                itemsHash: Block.itemsHash(of: items))
            let statement = VoteStatement(kind: .notarize(header.hash), iteration: header.iteration)
            let signature = PeerSignature(peer: PeerID(0), signature: key.signSchnorr(message: header.hash.bytes).rawRepresentation)
            let notarized = NotarizedBlock(
                block: Block(header: header, items: items),
                notarization: QuorumCertificate(statement: statement, signatures: [signature]))
            let finalization = height % 2 == 1
                ? QuorumCertificate(
                    statement: VoteStatement(kind: .finalize(header.hash), iteration: header.iteration),
                    signatures: [signature])
                : nil
            blocks.append(FinalizedBlock(notarized: notarized, finalization: finalization))
            parent = header.hash
        }
        return blocks
    }

    @Test(arguments: Backend.allCases)
    func storesTheChainWithCertificatesAndReadsItBackAfterReopening(backend: Backend) async throws {
        let place = try backend.place()
        let blocks = chain(10)
        do {
            let store = try openStore(place)
            #expect(try await store.finalizedCount() == 0)
            #expect(try await store.tail(count: 5).isEmpty)
            for block in blocks { try await store.append(block) }
        }
        let store = try openStore(place)
        #expect(try await store.finalizedCount() == 10)
        #expect(try await store.blocks(from: 0, maxCount: 100) == blocks)
        #expect(try await store.blocks(from: 3, maxCount: 4) == Array(blocks[3..<7]))
        #expect(try await store.blocks(from: 10, maxCount: 4).isEmpty)
        #expect(try await store.tail(count: 3) == Array(blocks[7...]))
    }

    /// Issue 24 item 7: serving a catch-up request reads stored encodings up to a byte budget, and the response
    /// built from them is exactly the canonical `.blockResponse` of those blocks.
    @Test(arguments: Backend.allCases)
    func servesStoredEncodingsWithinAByteBudget(backend: Backend) async throws {
        let place = try backend.place()
        let store = try openStore(place)
        let blocks = chain(10)
        for block in blocks { try await store.append(block) }
        let sizes = blocks.map(\.canonicalBytes.count)
        let all = try await store.encodedBlocks(from: 0, maxCount: 100, maxBytes: .max)
        #expect(all == blocks.map(\.canonicalBytes))
        #expect(ConsensusMessage.blockResponseBytes(encodedBlocks: all) == ConsensusMessage.blockResponse(blocks).encoded)
        let budget = sizes[2] + sizes[3] + sizes[4] + sizes[5] / 2
        #expect(try await store.encodedBlocks(from: 2, maxCount: 100, maxBytes: budget) == blocks[2..<5].map(\.canonicalBytes))
        #expect(try await store.encodedBlocks(from: 2, maxCount: 2, maxBytes: .max).count == 2)
        #expect(try await store.encodedBlocks(from: 0, maxCount: 100, maxBytes: sizes[0] - 1).isEmpty)
        let response = ConsensusMessage.blockResponseBytes(encodedBlocks: all)
        #expect(response.count <= all.reduce(0) { $0 + $1.count } + ConsensusMessage.blockResponseOverhead)
    }

    @Test(arguments: Backend.allCases)
    func refusesBlocksThatDoNotContinueTheChain(backend: Backend) async throws {
        let place = try backend.place()
        let store = try openStore(place)
        let blocks = chain(3)
        await #expect(throws: ConsensusStoreError.notNextBlock(expectedHeight: 0, found: 1)) {
            try await store.append(blocks[1])
        }
        try await store.append(blocks[0])
        try await store.append(blocks[1])
        // A block again is already stored (a retry after a COMMIT whose outcome was unknown, which for a step of several
        // blocks is not only the tip; review 11).
        try await store.append(blocks[1])
        try await store.append(blocks[0])
        let foreign = chain(3, genesis: Hash256.sha256([9]))
        // Another block at the tip's height is not the tip again: the header hash covers height, parent and items.
        await #expect(throws: ConsensusStoreError.notNextBlock(expectedHeight: 2, found: 1)) {
            try await store.append(foreign[1])
        }
        await #expect(throws: ConsensusStoreError.brokenChain(height: 2)) { try await store.append(foreign[2]) }
        #expect(try await store.finalizedCount() == 2)
        #expect(try await store.blocks(from: 1, maxCount: 1) == [blocks[1]])
    }

    /// A PostgreSQL server that answers and refuses the guardian (a changed password, a dropped database) is
    /// `unavailable`: the store returns it, and the guardian stops with it, instead of retrying for ever (review 10:
    /// the retry loop also ignored SIGTERM). The watchdog cancels a store still retrying after 10 s, which then
    /// throws CancellationError instead of the storage error.
    @Test func aDatabaseThatRefusesTheGuardianIsNotRetried() async throws {
        let refusal = StorageError(.unavailable, "cannot connect: password authentication failed [SQLSTATE 28P01]")
        let store = ConsensusStore(database: FailingStorage(refusal))
        let block = chain(1)[0]
        for operation: @Sendable () async throws -> Void in [
            { try await store.append(block) }, { _ = try await store.finalizedCount() },
            { _ = try await store.checkpoint() },
        ] {
            let attempt = Task { try await operation() }
            let watchdog = Task {
                try await Task.sleep(for: .seconds(10))
                attempt.cancel()
            }
            await #expect(throws: refusal) { try await attempt.value }
            watchdog.cancel()
        }
    }

    @Test(arguments: Backend.allCases)
    func checkpointIsReplacedAndSurvivesReopening(backend: Backend) async throws {
        let place = try backend.place()
        do {
            let store = try openStore(place)
            #expect(try await store.checkpoint() == nil)
            try await store.save(ConsensusCheckpoint(iteration: 5, notarizeVote: nil, skipVote: true))
            try await store.save(ConsensusCheckpoint(iteration: 6, notarizeVote: Hash256.sha256([6]), skipVote: false))
        }
        let store = try openStore(place)
        #expect(
            try await store.checkpoint()
                == ConsensusCheckpoint(iteration: 6, notarizeVote: Hash256.sha256([6]), skipVote: false))
    }
    /// One engine step is one transaction: a step whose second block does not continue the chain stores neither its
    /// checkpoint nor its first block (a guardian never keeps half of a step).
    @Test(arguments: Backend.allCases)
    func aStepIsStoredWholeOrNotAtAll(backend: Backend) async throws {
        let place = try backend.place()
        let blocks = chain(3)
        let foreign = chain(3, genesis: Hash256.sha256([9]))
        let store = try openStore(place)
        let checkpoint = ConsensusCheckpoint(iteration: 4, notarizeVote: Hash256.sha256([4]), skipVote: false)
        await #expect(throws: ConsensusStoreError.brokenChain(height: 1)) {
            try await store.commit(checkpoint: checkpoint, blocks: [blocks[0], foreign[1]])
        }
        #expect(try await store.checkpoint() == nil)
        #expect(try await store.finalizedCount() == 0)
        try await store.commit(checkpoint: checkpoint, blocks: Array(blocks[0...1]))
        #expect(try await store.checkpoint() == checkpoint)
        #expect(try await store.blocks(from: 0, maxCount: 10) == Array(blocks[0...1]))
    }

    /// A checkpoint is on disk before the votes it records leave, so every commit carrying one is immediate; blocks
    /// alone (peers hold them too, with their certificates) are deferred to the next immediate commit.
    @Test func checkpointsAreCommittedImmediatelyAndBlocksAloneDeferred() async throws {
        let recording = ObservedStorage(try Backend.sqlite.place().open([ConsensusStore.schema]))
        let store = ConsensusStore(database: recording)
        let blocks = chain(3)
        let checkpoint = ConsensusCheckpoint(iteration: 2, notarizeVote: nil, skipVote: true)
        try await store.commit(checkpoint: nil, blocks: [blocks[0]])
        try await store.commit(checkpoint: checkpoint, blocks: [blocks[1]])
        try await store.save(checkpoint)
        try await store.append(blocks[2])
        try await store.commit(checkpoint: nil, blocks: [])
        #expect(recording.commits == [.deferred, .immediate, .immediate, .deferred])
    }

    /// A step of several blocks whose COMMIT went through unseen (PostgreSQL's connection broke during it) is retried:
    /// the retry finds all of the step's blocks stored, not only the tip, and succeeds instead of stopping consensus
    /// with "finalized block has height 0 but the stored chain continues at 2" (review 11).
    @Test(arguments: Backend.allCases)
    func aStepWhoseCommitWentThroughUnseenSucceedsOnRetry(backend: Backend) async throws {
        let place = try backend.place()
        let storage = ObservedStorage(try place.open([ConsensusStore.schema]), reportsUnseenCommit: true)
        let store = ConsensusStore(database: storage)
        let blocks = chain(3)
        let checkpoint = ConsensusCheckpoint(iteration: 7, notarizeVote: nil, skipVote: true)
        try await store.commit(checkpoint: checkpoint, blocks: Array(blocks[0...1]))
        #expect(!storage.commits.isEmpty)
        #expect(try await store.blocks(from: 0, maxCount: 10) == Array(blocks[0...1]))
        #expect(try await store.checkpoint() == checkpoint)
        withExtendedLifetime(place) {}
    }
}

/// Storage passing every call on to `base`, recording each write's durability once it committed; with
/// `reportsUnseenCommit`, the first write commits and then throws as if the COMMIT's outcome were unknown.
private final class ObservedStorage: Storage, @unchecked Sendable {
    let base: any Storage
    private let reportsUnseenCommit: Bool
    private let lock = NSLock()
    private var recorded: [CommitDurability] = []
    init(_ base: any Storage, reportsUnseenCommit: Bool = false) {
        self.base = base
        self.reportsUnseenCommit = reportsUnseenCommit
    }
    var commits: [CommitDurability] { lock.withLock { recorded } }
    var dialect: SQLDialect { base.dialect }
    func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T {
        let value = try await base.write(durability: durability, body)
        let first = lock.withLock { () -> Bool in
            defer { recorded.append(durability) }
            return recorded.isEmpty
        }
        if reportsUnseenCommit, first { throw StorageError(.commitOutcomeUnknown, "the connection broke during COMMIT") }
        return value
    }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T { try await base.read(body) }
    func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T { try base.writeNow(body) }
    func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T { try base.readNow(body) }
}

/// Storage whose every transaction fails with `error`.
private final class FailingStorage: Storage {
    let error: StorageError
    init(_ error: StorageError) { self.error = error }
    var dialect: SQLDialect { .postgres }
    func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T { throw error }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T { throw error }
    func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T { throw error }
    func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T { throw error }
}
