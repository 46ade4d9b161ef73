import FMBLS12381
import FMCrypto
import FMTesting
import Testing

@Suite struct BatchVerificationTests {
    /// 100 notes signed under one key (signing M directly, as unblinding yields).
    static func notes(count: Int, seed: UInt64) -> (AggregatePublicKey, [(message: Message, signature: Signature)]) {
        var rng = SeededRandom(seed: seed)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng)
        let secret = keys.secretKeyShares[0].secret.revealed
        let notes = (0..<count).map { _ in
            let message = Message(nonce: rng.bytes(32))
            return (message: message, signature: Signature(message.point * secret))
        }
        return (keys.aggregatePublicKey, notes)
    }

    @Test func acceptsOneHundredGoodNotes() {
        let (key, notes) = Self.notes(count: 100, seed: 1)
        #expect(key.verifyBatch(notes))
        #expect(key.invalidSignatures(in: notes).isEmpty)
        #expect(key.verifyBatch([]))
    }

    @Test(arguments: [[57], [0, 42, 99]])
    func findsExactlyTheCorruptedNotes(corrupted: [Int]) {
        var (key, notes) = Self.notes(count: 100, seed: 2)
        for index in corrupted {
            notes[index].signature = Signature(notes[index].signature.point + G1Point.generator)
        }
        #expect(!key.verifyBatch(notes))
        #expect(key.invalidSignatures(in: notes) == corrupted)
    }

    @Test func identitySignatureAndSwappedSignaturesAreCaught() {
        var (key, notes) = Self.notes(count: 10, seed: 3)
        notes[3].signature = Signature(.identity)
        // Swapping two valid signatures keeps Σσ unchanged: only random coefficients catch it.
        (notes[5].signature, notes[6].signature) = (notes[6].signature, notes[5].signature)
        #expect(!key.verifyBatch(notes))
        #expect(key.invalidSignatures(in: notes) == [3, 5, 6])
    }
}
