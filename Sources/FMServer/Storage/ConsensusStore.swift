import FMConsensus
import FMCore
import FMStorage
import FMEncoding
import Foundation
import Logging

/// The consensus engine's durable state: the finalized chain and the latest write-ahead checkpoint.
///
/// A checkpoint is durable when the call that stores it returns (SQLite with `synchronous = FULL`, PostgreSQL with
/// `synchronous_commit = on`); blocks stored without one are flushed by the next durable commit (``commit(checkpoint:blocks:)``).
/// Blocks are stored in their canonical encoding, certificates included, so what a guardian serves to peers and
/// clients is exactly what it finalized.
public final class ConsensusStore: Sendable {
    /// Tables `consensus_blocks` and `consensus_checkpoint`.
    public static let schema = StorageSchema(
        prefix: "consensus",
        migrations: [
            StorageMigration("v1 blocks and checkpoint") { db in
                try db.execute(
                    """
                    CREATE TABLE consensus_blocks (
                        height INTEGER PRIMARY KEY,
                        hash BLOB NOT NULL UNIQUE,
                        iteration INTEGER NOT NULL,
                        encoded BLOB NOT NULL
                    );
                    CREATE TABLE consensus_checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 0),
                        encoded BLOB NOT NULL
                    );
                    """)
            }
        ])

    private let database: any Storage
    private let logger: Logger

    /// Uses `database`, which must have been opened with ``schema`` among its schemas.
    public init(database: any Storage, logger: Logger = Logger(label: "fm.consensus.store")) {
        self.database = database
        self.logger = logger
    }

    /// Whether a failure is the database being out of reach for now (PostgreSQL restarted, the connection cut, a
    /// serialization conflict): the store then waits and tries again instead of failing consensus, which would stop
    /// the guardian. Consensus cannot go on meanwhile (a vote is sent only once its checkpoint is durable), and it
    /// resumes where it was. Every other failure (a full disk, a broken chain) is returned as before, and so is
    /// ``StorageError/Kind/unavailable`` (review 10): PostgreSQL's connector already waits for an unreachable server
    /// (for ever on a guardian, or up to the wait it was configured with), so `unavailable` is a server that answered
    /// and refused (a wrong password, a dropped database) or the configured wait spent; retrying it here looped for
    /// ever, and the retry ignores SIGTERM (the driver's shutdown ends the mailbox, not this loop).
    static func isTransient(_ error: any Error) -> Bool {
        guard let storage = error as? StorageError else { return false }
        return [.connectionLost, .serializationFailure, .commitOutcomeUnknown].contains(storage.kind)
    }

    private func waitingOutTransientFailures<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                return try await body()
            } catch where Self.isTransient(error) {
                if Task.isCancelled { throw CancellationError() }
                logger.warning("consensus store: \(what) failed, retrying in \(delay): \(error)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    // MARK: - Writing

    /// Appends the next finalized block; it must continue the stored chain (height and parent hash).
    public func append(_ block: FinalizedBlock) async throws {
        try await commit(checkpoint: nil, blocks: [block])
    }

    /// Replaces the write-ahead checkpoint.
    public func save(_ checkpoint: ConsensusCheckpoint) async throws {
        try await commit(checkpoint: checkpoint, blocks: [])
    }

    /// Stores what one step of the engine produced in one transaction: the checkpoint (replacing the stored one) and
    /// the finalized blocks, in order, each continuing the stored chain.
    ///
    /// Durable when it returns if it carries a checkpoint (a vote about to be sent depends on it). Blocks alone are
    /// committed ``CommitDurability/deferred``: a finalized block carries its quorum certificate, so one lost to a
    /// power cut is fetched from peers again, and the block's application, committed immediately right after,
    /// flushes it (commits reach the disk in order). PostgreSQL commits them durably all the same (a server that
    /// crashes on its own would lose them while this guardian goes on past them: review 11).
    public func commit(checkpoint: ConsensusCheckpoint?, blocks: [FinalizedBlock]) async throws {
        guard checkpoint != nil || !blocks.isEmpty else { return }
        let encodedCheckpoint = checkpoint?.canonicalBytes
        let records = blocks.map { (header: $0.header, encoded: $0.canonicalBytes) }
        let what = blocks.last.map { "storing block \($0.header.height)" } ?? "saving the checkpoint"
        let durability: CommitDurability = checkpoint == nil ? .deferred : .immediate
        try await waitingOutTransientFailures(what) { try await database.write(durability: durability) { db in
            for (header, encoded) in records { try Self.insert(header, encoded: encoded, db: db) }
            if let encodedCheckpoint {
                try db.execute(
                    "INSERT INTO consensus_checkpoint (id, encoded) VALUES (0, ?) ON CONFLICT(id) DO UPDATE SET encoded = excluded.encoded",
                    [encodedCheckpoint])
            }
        } }
    }

    private static func insert(_ header: BlockHeader, encoded: [UInt8], db: any StorageWriting) throws {
        let tip = try db.fetchOne("SELECT height, hash FROM consensus_blocks ORDER BY height DESC LIMIT 1")
        let expectedHeight: UInt64 = try tip.map { try $0.unsigned("height", as: UInt64.self) + 1 } ?? 0
        // Stored already: by an earlier attempt whose COMMIT's outcome was unknown, which for a step of several blocks
        // is not only the tip (review 11).
        if header.height < expectedHeight {
            let stored = expectedHeight == header.height &+ 1
                ? tip : try db.fetchOne("SELECT hash FROM consensus_blocks WHERE height = ?", [header.height.storedInteger("height")])
            if let stored, try stored.blob("hash") == header.hash.bytes { return }
        }
        guard header.height == expectedHeight else {
            throw ConsensusStoreError.notNextBlock(expectedHeight: expectedHeight, found: header.height)
        }
        if let tip, try tip.blob("hash") != header.parentHash.bytes {
            throw ConsensusStoreError.brokenChain(height: header.height)
        }
        try db.execute(
            "INSERT INTO consensus_blocks (height, hash, iteration, encoded) VALUES (?, ?, ?, ?)",
            [header.height.storedInteger("height"), header.hash.bytes, header.iteration.storedInteger("iteration"), encoded])
    }

    // MARK: - Reading

    /// The latest checkpoint, if one was ever saved.
    public func checkpoint() async throws -> ConsensusCheckpoint? {
        let encoded = try await waitingOutTransientFailures("reading the checkpoint") { try await database.read { db in
            try db.fetchOne("SELECT encoded FROM consensus_checkpoint WHERE id = 0")?.blob("encoded")
        } }
        return try encoded.map { try ConsensusCheckpoint(canonicalBytes: $0) }
    }

    /// How many blocks are finalized (the height of the next one).
    public func finalizedCount() async throws -> UInt64 {
        try await waitingOutTransientFailures("counting blocks") { try await database.read { db in
            try db.fetchOne("SELECT COALESCE(MAX(height) + 1, 0) AS n FROM consensus_blocks")?.unsigned("n", as: UInt64.self) ?? 0
        } }
    }

    /// Up to `maxCount` consecutive blocks from `height` on, ascending (fewer at the end of the chain).
    public func blocks(from height: UInt64, maxCount: Int) async throws -> [FinalizedBlock] {
        // A height the database cannot hold has no block.
        guard maxCount > 0, let height = try? height.storedInteger("height") else { return [] }
        let rows = try await waitingOutTransientFailures("reading blocks") { try await database.read { db in
            try db.fetchAll("SELECT encoded FROM consensus_blocks WHERE height >= ? ORDER BY height LIMIT ?", [height, maxCount])
                .map { row throws(StorageError) in try row.blob("encoded") }
        } }
        return try rows.map { try FinalizedBlock(canonicalBytes: $0) }
    }

    /// The stored encodings of up to `maxCount` consecutive blocks from `height` on, as many as fit in `maxBytes`
    /// together. Nothing is decoded or re-encoded and no block beyond the budget is read (their sizes are read first,
    /// in the same snapshot), so serving a catch-up request costs one bounded read whatever the blocks' size.
    public func encodedBlocks(from height: UInt64, maxCount: Int, maxBytes: Int) async throws -> [[UInt8]] {
        guard maxCount > 0, let start = try? height.storedInteger("height") else { return [] }
        return try await waitingOutTransientFailures("reading blocks to serve") { try await database.read { db in
            let sizes = try db.fetchAll(
                "SELECT length(encoded) AS size FROM consensus_blocks WHERE height >= ? ORDER BY height LIMIT ?", [start, maxCount])
            var count = 0
            var total = 0
            for row in sizes {
                let (sum, overflow) = total.addingReportingOverflow(Int(try row.int64("size")))
                guard !overflow, sum <= maxBytes else { break }
                total = sum
                count += 1
            }
            guard count > 0 else { return [] }
            return try db.fetchAll("SELECT encoded FROM consensus_blocks WHERE height >= ? ORDER BY height LIMIT ?", [start, count])
                .map { row throws(StorageError) in try row.blob("encoded") }
        } }
    }

    /// The last `count` blocks, ascending: what the engine needs to resume.
    public func tail(count: Int) async throws -> [FinalizedBlock] {
        let total = try await finalizedCount()
        let start = total > UInt64(count) ? total - UInt64(count) : 0
        return try await blocks(from: start, maxCount: count)
    }
}

/// Why the consensus store refused a record.
public enum ConsensusStoreError: Error, Equatable, CustomStringConvertible {
    case notNextBlock(expectedHeight: UInt64, found: UInt64)
    case brokenChain(height: UInt64)

    public var description: String {
        switch self {
        case .notNextBlock(let expected, let found):
            "finalized block has height \(found) but the stored chain continues at \(expected)"
        case .brokenChain(let height): "finalized block \(height) does not link to the stored block before it"
        }
    }
}
