import FMBLS12381
import FMCrypto
import FMTesting
import Testing

@Suite struct ThresholdBlindSignatureTests {
    /// Issues one note: blind, every peer signs, returns everything a test needs.
    struct Issuance {
        let keys: TrustedDealer.Keys
        let message: Message
        let blindingKey: BlindingKey
        let blinded: BlindedMessage
        let shares: [BlindSignatureShare]

        init(threshold: Int, peers: Int, seed: UInt64) {
            var rng = SeededRandom(seed: seed)
            keys = TrustedDealer.dealKeysForTesting(threshold: threshold, peers: peers, using: &rng)
            message = Message(nonce: rng.bytes(32))
            blindingKey = BlindingKey.random(using: &rng)
            let blinded = message.blinded(by: blindingKey)
            self.blinded = blinded
            shares = keys.secretKeyShares.map { $0.sign(blinded) }
        }

        func combine(_ peers: [Int], threshold: Int? = nil) throws -> BlindSignature {
            try BlindSignature.combine(peers.map { (peer: $0, share: shares[$0]) }, threshold: threshold ?? keys.threshold)
        }
    }

    @Test(arguments: [(1, 1), (3, 4), (5, 7)])
    func anyTSharesGiveTheSameValidSignature(threshold: Int, peers: Int) throws {
        let issuance = Issuance(threshold: threshold, peers: peers, seed: UInt64(peers))
        for (peer, share) in issuance.shares.enumerated() {
            #expect(issuance.keys.publicKeyShares[peer].verify(share, on: issuance.blinded))
        }
        var signatures = Set<Signature>()
        for subset in subsets(of: Array(0..<peers), size: threshold) {
            let signature = try issuance.combine(subset.reversed()).unblinded(by: issuance.blindingKey)
            #expect(issuance.keys.aggregatePublicKey.verify(signature, on: issuance.message), "peers \(subset)")
            signatures.insert(signature)
        }
        #expect(signatures.count == 1)
    }

    /// Every subset of 4 peers with t = 3: at least t combine to the one signature, fewer are refused.
    @Test func allSubsetsOfFourPeers() throws {
        let issuance = Issuance(threshold: 3, peers: 4, seed: 44)
        let reference = try issuance.combine([0, 1, 2]).unblinded(by: issuance.blindingKey)
        #expect(issuance.keys.aggregatePublicKey.verify(reference, on: issuance.message))
        for size in 0...4 {
            for subset in subsets(of: Array(0..<4), size: size) {
                if size >= 3 {
                    #expect(try issuance.combine(subset).unblinded(by: issuance.blindingKey) == reference)
                } else {
                    #expect(throws: TBSError.notEnoughShares(needed: 3, got: size)) { try issuance.combine(subset) }
                }
            }
        }
    }

    @Test func fewerThanTSharesDoNotGiveAValidSignature() throws {
        let issuance = Issuance(threshold: 3, peers: 4, seed: 3)
        #expect(throws: TBSError.notEnoughShares(needed: 3, got: 2)) { try issuance.combine([0, 1]) }
        // Forcing interpolation over t - 1 shares gives a point that does not verify.
        for subset in subsets(of: Array(0..<4), size: 2) {
            let signature = try issuance.combine(subset, threshold: 2).unblinded(by: issuance.blindingKey)
            #expect(!issuance.keys.aggregatePublicKey.verify(signature, on: issuance.message), "peers \(subset)")
        }
    }

    @Test func wrongShareFailsItsCheckAndSpoilsTheSignature() throws {
        let issuance = Issuance(threshold: 3, peers: 4, seed: 9)
        let keys = issuance.keys
        let wrong = BlindSignatureShare(issuance.shares[1].point + G1Point.generator)
        #expect(!keys.publicKeyShares[1].verify(wrong, on: issuance.blinded))
        // A correct share checked against another peer's key, or another message, fails too.
        #expect(!keys.publicKeyShares[2].verify(issuance.shares[1], on: issuance.blinded))
        let other = BlindedMessage(issuance.blinded.point + G1Point.generator)
        #expect(!keys.publicKeyShares[1].verify(issuance.shares[1], on: other))
        #expect(!keys.publicKeyShares[1].verify(BlindSignatureShare(.identity), on: issuance.blinded))

        let spoiled = try BlindSignature.combine(
            [(peer: 0, share: issuance.shares[0]), (peer: 1, share: wrong), (peer: 2, share: issuance.shares[2])],
            threshold: 3
        ).unblinded(by: issuance.blindingKey)
        #expect(!keys.aggregatePublicKey.verify(spoiled, on: issuance.message))
    }

    @Test func combineRejectsDuplicatePeers() {
        let issuance = Issuance(threshold: 2, peers: 3, seed: 10)
        #expect(throws: TBSError.duplicatePeer(1)) { try issuance.combine([1, 0, 1]) }
        #expect(throws: TBSError.invalidPeer(-1)) {
            try BlindSignature.combine([(peer: -1, share: issuance.shares[0])], threshold: 1)
        }
    }

    @Test func blindUnblindRoundTrip() throws {
        var rng = SeededRandom(seed: 11)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng)
        let message = Message(nonce: rng.bytes(32))
        let blindingKey = BlindingKey.random(using: &rng)
        let blinded = message.blinded(by: blindingKey)
        #expect(blinded.point != message.point)
        // With one peer the blind signature is sk·r·M; unblinding gives sk·M.
        let signature = BlindSignature(keys.secretKeyShares[0].sign(blinded).point).unblinded(by: blindingKey)
        #expect(signature.point == message.point * keys.secretKeyShares[0].secret.revealed)
        #expect(keys.aggregatePublicKey.verify(signature, on: message))
        // Unblinding with another key gives garbage.
        let wrongKey = BlindingKey.random(using: &rng)
        let wrong = BlindSignature(keys.secretKeyShares[0].sign(blinded).point).unblinded(by: wrongKey)
        #expect(!keys.aggregatePublicKey.verify(wrong, on: message))
    }

    @Test func aggregateKeyFromAnyTPublicShares() throws {
        var rng = SeededRandom(seed: 12)
        let keys = TrustedDealer.dealKeysForTesting(threshold: 3, peers: 5, using: &rng)
        for subset in subsets(of: Array(0..<5), size: 3) {
            let key = try AggregatePublicKey(interpolating: subset.map { (peer: $0, share: keys.publicKeyShares[$0]) })
            #expect(key == keys.aggregatePublicKey)
        }
    }
}
