import FMTesting
import FMCore
@testable import FMLightningServer
import FMLightningCommon
import FMSecp256k1
import FMStorage
import Testing

/// The Lightning module's store on both backends: its migration (with the partial unique index) runs on PostgreSQL,
/// a contract is spent once, a preimage used once (the primary key decides, without aborting the transaction), and
/// time votes only move forward.
@Suite struct LightningStoreBackendTests {
    static func hash(_ byte: UInt8) -> Hash256 { Hash256.sha256([byte]) }

    static func fund(_ id: UInt8, direction: String, paymentHash: Hash256, msats: UInt64, db: any StorageWriting) throws {
        try LightningStore.insertFunded(
            id: hash(id), direction: direction, paymentHash: paymentHash, amount: Amount(msats: msats), contract: [id, 1, 2],
            userKey: Keypair().xOnlyPublicKey, outPoint: OutPoint(txid: TransactionID(hash(id)), outIndex: UInt64(id)), db: db)
    }

    @Test(arguments: Backend.allCases)
    func contractsArePaidOnceAndPreimagesUsedOnce(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([LightningSchema.schema])
        let invoice = Self.hash(100)
        try storage.writeNow { tx throws -> Void in
            try Self.fund(1, direction: "outgoing", paymentHash: invoice, msats: 5_000, db: tx)
            try Self.fund(2, direction: "incoming", paymentHash: invoice, msats: 7_000, db: tx)
            #expect(try LightningStore.hasLiveOutgoing(invoice, db: tx))
            #expect(try LightningStore.hasFundedContract(db: tx))
            #expect(try LightningStore.total(db: tx) == Amount(msats: 12_000))
        }
        // The partial unique index: a second live outgoing contract for the same payment hash is refused.
        let duplicate = #expect(throws: StorageError.self) {
            try storage.writeNow { tx in try Self.fund(3, direction: "outgoing", paymentHash: invoice, msats: 1, db: tx) }
        }
        #expect(duplicate?.kind == .uniqueViolation)
        try storage.writeNow { tx throws -> Void in
            #expect(try LightningStore.spend(Self.hash(1), to: .claimed, preimage: Array(repeating: 7, count: 32), db: tx))
            #expect(try !LightningStore.spend(Self.hash(1), to: .refunded, preimage: nil, db: tx))
            #expect(try LightningStore.markPreimageUsed(invoice, by: Self.hash(1), db: tx))
            #expect(try !LightningStore.markPreimageUsed(invoice, by: Self.hash(2), db: tx))
            try LightningStore.subtract(Amount(msats: 5_000), db: tx)
        }
        try storage.readNow { tx throws -> Void in
            #expect(try LightningStore.isPreimageUsed(invoice, db: tx))
            let claimed = try #require(try LightningStore.contract(Self.hash(1), db: tx))
            #expect(claimed.state == .claimed)
            #expect(claimed.preimage == Array(repeating: 7, count: 32))
            #expect(claimed.contract == [1, 1, 2])
            #expect(try LightningStore.contract(at: OutPoint(txid: TransactionID(Self.hash(2)), outIndex: 2), db: tx)?.id == Self.hash(2))
            #expect(try LightningStore.total(db: tx) == Amount(msats: 7_000))
        }
    }

    @Test(arguments: Backend.allCases)
    func timeVotesOnlyMoveForwardAndTheMedianCountsMissingVotesAsZero(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([LightningSchema.schema])
        try storage.writeNow { tx throws -> Void in
            #expect(try LightningStore.recordVote(100, from: PeerID(0), db: tx))
            #expect(try LightningStore.recordVote(200, from: PeerID(0), db: tx))
            #expect(try !LightningStore.recordVote(150, from: PeerID(0), db: tx))
            #expect(try LightningStore.recordVote(300, from: PeerID(2), db: tx))
        }
        try storage.readNow { tx throws -> Void in
            #expect(try LightningStore.vote(of: PeerID(0), db: tx) == 200)
            #expect(try LightningStore.vote(of: PeerID(1), db: tx) == nil)
            // Votes 0 (missing), 200, 300, 0 (missing): sorted 0, 0, 200, 300; index 2.
            #expect(try LightningStore.consensusTime(peerCount: 4, db: tx) == 200)
        }
    }
}
