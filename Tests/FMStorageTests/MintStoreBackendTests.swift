import FMTesting
import FMCore
import FMCrypto
@testable import FMMintServer
import FMMintCommon
import FMSecp256k1
import FMServerCore
import FMStorage
import Testing

/// The mint's store on both backends (`@Test(arguments: Backend.allCases)`): its SQL is the portable subset, its
/// migrations run on PostgreSQL, and the spent set's primary key decides a double spend in both.
@Suite struct MintStoreBackendTests {
    static func output(_ index: UInt8, denomination: UInt8 = 2) -> MintOutput {
        var rng = SeededRandom(seed: UInt64(index) + 1)
        let message = Message(nonce: [UInt8](repeating: index, count: 32))
        return MintOutput(
            denomination: Denomination(exponent: denomination), blindedMessage: message.blinded(by: .random(using: &rng)))
    }

    static func outPoint(_ index: UInt64) -> OutPoint {
        OutPoint(txid: TransactionID(Hash256.sha256([UInt8(truncatingIfNeeded: index)])), outIndex: index)
    }

    @Test(arguments: Backend.allCases)
    func theSpentSetDecidesADoubleSpendWithoutAbortingTheTransaction(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([MintSchema.schema])
        let nonce = Keypair().xOnlyPublicKey
        let other = Keypair().xOnlyPublicKey
        try storage.writeNow { tx throws -> Void in
            #expect(try !MintStore.isSpent(nonce, db: tx))
            #expect(try MintStore.markSpent(nonce, denomination: Denomination(exponent: 3), db: tx))
            // The second spend in the same transaction: refused by the key, and the transaction carries on.
            #expect(try !MintStore.markSpent(nonce, denomination: Denomination(exponent: 3), db: tx))
            #expect(try MintStore.markSpent(other, denomination: Denomination(exponent: 0), db: tx))
        }
        try storage.writeNow { tx throws -> Void in
            #expect(try !MintStore.markSpent(nonce, denomination: Denomination(exponent: 5), db: tx))
        }
        let (count, spent) = try storage.readNow { tx throws -> (Int64?, Bool) in
            (try tx.fetchOne("SELECT COUNT(*) AS n FROM mint_spent_nonces")?.int64("n"), try MintStore.isSpent(nonce, db: tx))
        }
        #expect(count == 2)
        #expect(spent)
        // A plain INSERT of a spent nonce is a unique violation (a deterministic rejection), never a second row.
        let error = #expect(throws: StorageError.self) {
            try storage.writeNow { tx throws -> Void in
                try tx.execute("INSERT INTO mint_spent_nonces (nonce, denomination) VALUES (?, 0)", [nonce.rawRepresentation])
            }
        }
        #expect(error?.kind == .uniqueViolation)
    }

    @Test(arguments: Backend.allCases)
    func theIssuanceLogChainAndTotalsReadBackAlike(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([MintSchema.schema])
        let outputs = (0..<3).map { Self.output(UInt8($0), denomination: UInt8($0) + 1) }
        try storage.writeNow { tx throws -> Void in
            for (index, output) in outputs.enumerated() {
                let outPoint = Self.outPoint(UInt64(index))
                try MintStore.storeOutcome(
                    BlindSignatureShare(output.blindedMessage.point), denomination: output.denomination, outPoint: outPoint, db: tx)
                try MintStore.logIssued(output, outPoint: outPoint, db: tx)
                try MintIssuanceChain.extend(with: output, outPoint: outPoint, seq: UInt64(index), db: tx)
                try MintStore.add(output.amount, to: .outstanding, db: tx)
            }
            try MintStore.subtract(outputs[0].amount, from: .outstanding, db: tx)
        }
        try storage.readNow { tx throws -> Void in
            let page = try MintStore.issued(from: 1, limit: 5, db: tx)
            #expect(page.map(\.seq) == [1, 2])
            #expect(page.map(\.outPoint) == [Self.outPoint(1), Self.outPoint(2)])
            #expect(page.map(\.blindedMessage) == outputs[1...].map { Hex.encode($0.blindedMessage.canonicalBytes) })
            #expect(try MintRecoveryStore.logLength(db: tx) == 3)
            let records = try MintRecoveryStore.records(from: 0, limit: 10, db: tx)
            #expect(records.count == 3 * MintAPI.recoveryRecordBytes)
            #expect(records.first == 1)
            let shares = try #require(try MintRecoveryStore.shares(seqs: [2, 0], db: tx))
            #expect(shares.map(\.blinded) == [outputs[2].blindedMessage, outputs[0].blindedMessage])
            #expect(try MintRecoveryStore.shares(seqs: [3], db: tx) == nil)
            #expect(try MintStore.outcomeDenomination(at: Self.outPoint(2), db: tx) == 3)
            #expect(try MintStore.blindedMessage(at: Self.outPoint(1), db: tx) == outputs[1].blindedMessage)
            let chain = try MintIssuanceChain.status(db: tx)
            #expect(chain.length == 3)
            #expect(chain.sinceSeq == 0)
            #expect(chain.consensusVersion == ConsensusVersions.genesis)
            let expected = outputs[1].amount.msats + outputs[2].amount.msats
            #expect(try MintStore.total(.outstanding, db: tx) == Amount(msats: expected))
        }
        #expect(throws: MintStorageError.self) {
            try storage.writeNow { tx in try MintStore.subtract(Amount(msats: 1 << 40), from: .outstanding, db: tx) }
        }
    }
}
