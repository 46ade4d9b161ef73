import FMBitcoin
import FMCore
import FMDatabase
import FMSecp256k1
import FMServerCore
import FMStorage
import FMWalletCommon
@testable import FMWalletServer
import Foundation
import Testing

/// Chain facts agreed by consensus (issue 24 item 9 (c), issue 16 item 2; docs/wallet.md, "Chain facts").
@Suite struct ChainFactsTests {
    // MARK: The vote tally (items applied directly, 4 guardians, t = 3)

    static func hash(_ byte: UInt8) -> FMBitcoin.Hash256 { try! FMBitcoin.Hash256(bytes: [UInt8](repeating: byte, count: 32)) }

    /// A federation whose consensus height is `height` (height votes applied directly; no node is read).
    static func federation(height: UInt32 = 20) throws -> WalletFederation {
        let federation = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        for peer in 0..<4 {
            try federation.apply(item: WalletConsensusItem.blockHeight(height, voter: PeerID(UInt16(peer))).canonicalBytes, from: PeerID(UInt16(peer)))
        }
        return federation
    }

    /// Applies `item` from `peer` at every guardian; true if every guardian accepted it, false if every one refused.
    @discardableResult
    static func vote(_ federation: WalletFederation, _ item: WalletConsensusItem, from peer: UInt16) throws -> Bool {
        let verdicts = try federation.apply(item: item.canonicalBytes, from: PeerID(peer))
        #expect(Set(verdicts).count == 1, "guardians disagree on a vote")
        return verdicts[0]
    }

    static func hashes(_ height: UInt64, from first: UInt16, _ hashes: [FMBitcoin.Hash256]) -> WalletConsensusItem {
        .blockHashes(first: height, hashes: hashes, voter: PeerID(first))
    }

    static func read<T: Equatable>(_ federation: WalletFederation, _ body: (any StorageReading) throws -> T) throws -> T {
        let values = try federation.guardians.map { guardian in try guardian.database.readNow { try body($0) } }
        #expect(values.allSatisfy { $0 == values[0] }, "guardians disagree: \(values)")
        return values[0]
    }

    static func hashVoteRows(_ federation: WalletFederation) throws -> Int {
        try read(federation) { try Int($0.fetchOne("SELECT count(*) AS n FROM wallet_block_hash_votes")?.int64("n") ?? 0) }
    }

    @Test func aHashIsAgreedByThresholdDistinctGuardiansAndItsVotesArePruned() throws {
        let federation = try Self.federation()
        let (x, y) = (Self.hash(1), Self.hash(2))
        #expect(try Self.vote(federation, Self.hashes(5, from: 0, [x]), from: 0))
        #expect(try Self.vote(federation, Self.hashes(5, from: 0, [x]), from: 0))  // a duplicate counts once
        #expect(try Self.vote(federation, Self.hashes(5, from: 1, [x]), from: 1))
        #expect(try Self.vote(federation, Self.hashes(5, from: 2, [y]), from: 2))  // a conflicting vote
        #expect(try Self.read(federation) { try WalletStore.blockHash(at: 5, db: $0) } == nil)
        #expect(try Self.hashVoteRows(federation) == 3)
        // Guardian 2 changes its vote: its old one is replaced, and x has t = 3 votes.
        #expect(try Self.vote(federation, Self.hashes(5, from: 2, [x]), from: 2))
        #expect(try Self.read(federation) { try WalletStore.blockHash(at: 5, db: $0) } == x)
        #expect(try Self.hashVoteRows(federation) == 0)
        // A late vote equal to the fact changes nothing; one contradicting it is refused whole (its other vote too).
        #expect(try Self.vote(federation, Self.hashes(5, from: 3, [x]), from: 3))
        #expect(try !Self.vote(federation, Self.hashes(4, from: 3, [Self.hash(4), y]), from: 3))
        #expect(try Self.hashVoteRows(federation) == 0)
        // Heights 0–4 agreed: the frontier moves past 5 as well, and the votes below it are gone.
        #expect(try Self.read(federation) { try WalletStore.nextHashHeight($0) } == 0)
        let low = (0..<5).map { Self.hash(UInt8(10 + $0)) }
        for peer: UInt16 in 0..<3 { #expect(try Self.vote(federation, Self.hashes(0, from: peer, low), from: peer)) }
        #expect(try Self.read(federation) { try WalletStore.nextHashHeight($0) } == 6)
        #expect(try Self.read(federation) { try ChainFacts.hashWindow($0) } == 6...20)
        #expect(try Self.hashVoteRows(federation) == 0)
    }

    @Test func votesOutsideTheWindowOrReusingAnAgreedHashAreRefused() throws {
        // Before the first consensus height no hash vote is taken.
        let fresh = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        #expect(try !Self.vote(fresh, Self.hashes(0, from: 0, [Self.hash(1)]), from: 0))

        let federation = try Self.federation(height: 1_000)
        #expect(try Self.read(federation) { try ChainFacts.hashWindow($0) } == 0...127)
        #expect(try !Self.vote(federation, Self.hashes(128, from: 0, [Self.hash(1)]), from: 0))  // above the window
        #expect(try !Self.vote(federation, Self.hashes(127, from: 0, [Self.hash(1), Self.hash(2)]), from: 0))  // straddles it
        #expect(try Self.vote(federation, Self.hashes(127, from: 0, [Self.hash(1)]), from: 0))
        // Another guardian's vote proposed by a liar is refused.
        #expect(try !Self.vote(federation, Self.hashes(3, from: 1, [Self.hash(3)]), from: 0))
        // A hash agreed at one height cannot be voted at another.
        for peer: UInt16 in 0..<3 { try Self.vote(federation, Self.hashes(0, from: peer, [Self.hash(9)]), from: peer) }
        #expect(try Self.read(federation) { try WalletStore.blockHash(at: 0, db: $0) } == Self.hash(9))
        #expect(try !Self.vote(federation, Self.hashes(1, from: 0, [Self.hash(9)]), from: 0))
        // f = 1 liar alone never makes a fact, however often it votes.
        for _ in 0..<3 { try Self.vote(federation, Self.hashes(2, from: 3, [Self.hash(7)]), from: 3) }
        #expect(try Self.read(federation) { try WalletStore.blockHash(at: 2, db: $0) } == nil)
        // Each guardian holds at most one vote per height: the table is bounded by n × window.
        #expect(try Self.hashVoteRows(federation) == 2)
    }

    @Test func aConfirmationIsAgreedOnlyForAFederationTransactionAtAnAgreedHeight() throws {
        let federation = try Self.federation()
        for peer: UInt16 in 0..<3 { try Self.vote(federation, Self.hashes(0, from: peer, (0..<8).map { Self.hash(UInt8(20 + $0)) }), from: peer) }
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: .zero, index: 0))],
            outputs: [TxOut(value: 1_000, scriptPubKey: Script([0x51]))], lockTime: 0)
        for guardian in federation.guardians {
            try guardian.database.writeNow { db in
                try WalletStore.insertPegOut(transaction, outPoint: nil, fee: 100, virtualSize: 100, builtAt: 1, db: db)
            }
        }
        func confirm(_ txid: FMBitcoin.Hash256, _ height: UInt64, from peer: UInt16) throws -> Bool {
            try Self.vote(federation, .confirmations([TransactionConfirmation(txid: txid, height: height)], voter: PeerID(peer)), from: peer)
        }
        #expect(try !confirm(Self.hash(5), 3, from: 0))  // no federation transaction
        #expect(try !confirm(transaction.txid, 9, from: 0))  // height 9's hash is not agreed
        #expect(try confirm(transaction.txid, 3, from: 0))
        #expect(try confirm(transaction.txid, 3, from: 0))
        #expect(try confirm(transaction.txid, 4, from: 3))
        #expect(try Self.read(federation) { try WalletStore.confirmation(of: transaction.txid, db: $0) } == .some(nil))
        #expect(try confirm(transaction.txid, 3, from: 1))
        #expect(try confirm(transaction.txid, 3, from: 2))
        #expect(try Self.read(federation) { try WalletStore.confirmation(of: transaction.txid, db: $0) } == .some(3))
        #expect(try Self.read(federation) { try $0.fetchOne("SELECT count(*) AS n FROM wallet_confirmation_votes")?.int64("n") } == 0)
        #expect(try confirm(transaction.txid, 3, from: 3))  // late and equal: nothing changes
        #expect(try !confirm(transaction.txid, 4, from: 3))  // contradicts the fact
    }

    @Test func chainVoteItemsRoundTripAndRefuseOversizedOrRepeatedVotes() throws {
        let items: [WalletConsensusItem] = [
            .blockHashes(first: 7, hashes: [Self.hash(1), Self.hash(2)], voter: PeerID(2)),
            .confirmations([TransactionConfirmation(txid: Self.hash(3), height: 9)], voter: PeerID(1)),
        ]
        for item in items { #expect(try WalletConsensusItem(canonicalBytes: item.canonicalBytes) == item) }
        let tooMany = WalletConsensusItem.blockHashes(
            first: 0, hashes: Array(repeating: Self.hash(1), count: WalletConsensusItem.maximumChainVotes + 1), voter: PeerID(0))
        #expect(throws: (any Error).self) { try WalletConsensusItem(canonicalBytes: tooMany.canonicalBytes) }
        #expect(throws: (any Error).self) {
            try WalletConsensusItem(canonicalBytes: WalletConsensusItem.blockHashes(first: 0, hashes: [], voter: PeerID(0)).canonicalBytes)
        }
        #expect(throws: (any Error).self) {
            try WalletConsensusItem(canonicalBytes: WalletConsensusItem.blockHashes(first: UInt64.max, hashes: [Self.hash(1)], voter: PeerID(0)).canonicalBytes)
        }
        let twice = WalletConsensusItem.confirmations(
            [TransactionConfirmation(txid: Self.hash(3), height: 9), TransactionConfirmation(txid: Self.hash(3), height: 10)], voter: PeerID(1))
        #expect(throws: (any Error).self) { try WalletConsensusItem(canonicalBytes: twice.canonicalBytes) }
    }

    /// The scan fact (`scanned_through`, what the fee-bump trigger counts): the highest height t guardians voted,
    /// never above the agreed final heights, never lowered, and not moved by f = 1 liar however high it votes.
    @Test func theScanFactIsTheThresholdthHighestVoteAndOneLiarCannotRaiseIt() throws {
        let federation = try Self.federation()
        for peer: UInt16 in 0..<3 { try Self.vote(federation, Self.hashes(0, from: peer, (0..<8).map { Self.hash(UInt8(20 + $0)) }), from: peer) }
        #expect(try Self.read(federation) { try WalletServerModule.agreedHeight($0) } == 7)
        func scan(_ height: UInt64, from peer: UInt16, voter: UInt16? = nil) throws -> Bool {
            try Self.vote(federation, .scannedThrough(height, voter: PeerID(voter ?? peer)), from: peer)
        }
        #expect(try !scan(8, from: 3))  // above the agreed final heights
        #expect(try !scan(5, from: 0, voter: 1))  // another guardian's vote
        #expect(try scan(7, from: 3))  // the liar
        #expect(try scan(6, from: 0))
        #expect(try Self.read(federation) { try WalletStore.scannedThrough($0) } == 0)
        #expect(try scan(4, from: 1))
        #expect(try Self.read(federation) { try WalletStore.scannedThrough($0) } == 4)  // {7, 6, 4}: the third highest
        #expect(try scan(2, from: 1))  // a lower vote keeps the higher one
        #expect(try scan(6, from: 2))
        #expect(try Self.read(federation) { try WalletStore.scannedThrough($0) } == 6)
        let item = WalletConsensusItem.scannedThrough(6, voter: PeerID(2))
        #expect(try WalletConsensusItem(canonicalBytes: item.canonicalBytes) == item)
        #expect(throws: (any Error).self) {
            try WalletConsensusItem(canonicalBytes: WalletConsensusItem.scannedThrough(UInt64.max, voter: PeerID(0)).canonicalBytes)
        }
    }

    // MARK: Guardians whose own nodes differ

    /// One guardian's node shows another block at a final height (a fork the others do not follow): before, that
    /// guardian stored its own node's hash and could not verify a peg-in the others accepted (a split). Now the
    /// hash is the one t guardians voted, and all four reach the same state.
    @Test func aGuardianWhoseNodeShowsAnotherBlockReachesTheSameState() async throws {
        let chain = FakeChain(height: 10)
        let fork = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain, nodes: [PeerID(3): fork])
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        let other = FMBitcoin.Transaction(
            inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: Self.hash(8), index: 0))], outputs: [TxOut(value: 5, scriptPubKey: Script([0x51]))])
        let forked = fork.mine([other])  // block 11 differs
        #expect(forked.hash != proof.blockHash)
        for _ in 0..<2 {
            chain.mine([])
            fork.mine([])
        }
        try await federation.roundOfProposals()
        for guardian in federation.guardians {
            #expect(try guardian.database.readNow { try WalletStore.blockHash(at: 11, db: $0) } == proof.blockHash)
        }
        #expect(Set(try federation.stateDigests()).count == 1)
        let meta = try federation.processInput(.pegIn(proof))  // every guardian accepts it
        #expect(meta.amount == Amount(msats: 100_000_000))
        #expect(Set(try federation.stateDigests()).count == 1)
    }

    /// One guardian's node is unreachable: before, it waited for its node inside block application forever. Now
    /// it applies every item like the others, votes no chain facts, and holds the same state.
    @Test(.timeLimit(.minutes(1)))
    func aGuardianWithoutItsNodeAppliesItemsAndHoldsTheSameState() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain, nodes: [PeerID(3): UnreachableChain()])
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }
        try await federation.roundOfProposals()
        for guardian in federation.guardians {
            #expect(try guardian.database.readNow { try WalletServerModule.agreedHeight($0) } == 11)
        }
        _ = try federation.processInput(.pegIn(proof))
        #expect(Set(try federation.stateDigests()).count == 1)
        #expect(federation.guardians[3].module.backgroundStatus.contains("unreachable"))
    }
}

/// A bitcoin node that never answers (connection refused).
struct UnreachableChain: WalletChainSource {
    struct Refused: Error {}
    func blockCount() async throws -> UInt64 { throw Refused() }
    func blockHash(height: UInt64) async throws -> FMBitcoin.Hash256 { throw Refused() }
    func block(hash: FMBitcoin.Hash256) async throws -> FMBitcoin.Block { throw Refused() }
    func feeRate() async throws -> UInt64? { throw Refused() }
    func broadcast(_ transaction: FMBitcoin.Transaction) async throws -> BroadcastResult { throw Refused() }
    func broadcastPackage(_ transactions: [FMBitcoin.Transaction]) async throws -> BroadcastResult { throw Refused() }
}
