import FMBLS12381
import FMCrypto
import FMTesting
import Testing

/// ``SignatureBatch``: note signatures and signature shares under different keys, checked in one multi-pairing.
@Suite struct SignatureBatchTests {
    /// Two denominations' keys dealt to 4 guardians (t = 3), and for each of `count` notes (alternating between the
    /// denominations) its message, blinded message, every guardian's share and the unblinded note signature.
    struct Issuance {
        var keys: [TrustedDealer.Keys]
        var notes: [(denomination: Int, message: Message, blinded: BlindedMessage, shares: [BlindSignatureShare], signature: Signature)]

        init(count: Int, seed: UInt64) throws {
            var rng = SeededRandom(seed: seed)
            keys = (0..<2).map { _ in TrustedDealer.dealKeysForTesting(threshold: 3, peers: 4, using: &rng) }
            notes = []
            for index in 0..<count {
                let denomination = index % 2
                let message = Message(nonce: rng.bytes(32))
                let blinding = BlindingKey.random(using: &rng)
                let blinded = message.blinded(by: blinding)
                let shares = keys[denomination].secretKeyShares.map { $0.sign(blinded) }
                let combined = try BlindSignature.combine(
                    shares.prefix(3).enumerated().map { (peer: $0.offset, share: $0.element) }, threshold: 3)
                notes.append((denomination, message, blinded, shares, combined.unblinded(by: blinding)))
            }
        }

        /// Every note under its aggregate key and guardian 3's share of it (the one beyond t) under its key share.
        func batch(shareOf peer: Int = 3, replacing replaced: (note: Int, share: BlindSignatureShare)? = nil) -> SignatureBatch {
            var batch = SignatureBatch()
            for (index, note) in notes.enumerated() {
                let keys = keys[note.denomination]
                batch.add(note.signature, on: note.message, under: keys.aggregatePublicKey)
                let share = replaced?.note == index ? replaced!.share : note.shares[peer]
                batch.add(share, on: note.blinded, under: keys.publicKeyShares[peer])
            }
            return batch
        }
    }

    @Test func honestNotesAndSharesUnderMixedKeysHold() throws {
        let issuance = try Issuance(count: 7, seed: 11)
        let batch = issuance.batch()
        #expect(batch.count == 14)
        #expect(batch.allHold())
        #expect(SignatureBatch().allHold())
        var single = SignatureBatch()
        let note = issuance.notes[0]
        single.add(note.signature, on: note.message, under: issuance.keys[0].aggregatePublicKey)
        #expect(single.allHold())
    }

    @Test func oneWrongShareFailsTheBatch() throws {
        let issuance = try Issuance(count: 7, seed: 12)
        // Guardian 3 serves guardian 2's share of note 4: a valid point in G1 and a valid share, but not its own.
        #expect(!issuance.batch(replacing: (note: 4, share: issuance.notes[4].shares[2])).allHold())
        // Its share of note 2 instead of note 4's: right key, wrong message.
        #expect(!issuance.batch(replacing: (note: 4, share: issuance.notes[2].shares[3])).allHold())
    }

    @Test func swappedNoteSignaturesAndTheIdentityFail() throws {
        var issuance = try Issuance(count: 6, seed: 13)
        // Notes 0 and 2 share a denomination: swapping their signatures keeps Σσ; only the coefficients catch it.
        (issuance.notes[0].signature, issuance.notes[2].signature) = (issuance.notes[2].signature, issuance.notes[0].signature)
        #expect(!issuance.batch().allHold())
        (issuance.notes[0].signature, issuance.notes[2].signature) = (issuance.notes[2].signature, issuance.notes[0].signature)
        #expect(issuance.batch().allHold())
        #expect(!issuance.batch(replacing: (note: 1, share: BlindSignatureShare(.identity))).allHold())
        var identity = SignatureBatch()
        identity.add(Signature(.identity), on: Message(.identity), under: issuance.keys[0].aggregatePublicKey)
        #expect(!identity.allHold())
    }
}
