import FMBLS12381
@testable import FMCrypto
import Testing

/// ``PreparedKeys``: a key's Miller lines are kept per process; the cache must never change a verdict.
@Suite struct PreparedKeysTests {
    /// More distinct keys than the cache holds (it drops one entry per new key when full): every share still verifies under its own
    /// key, before and after its lines were cached, and a share checked under another (cached) key still fails.
    @Test func verdictsHoldAcrossTheCacheAndItsOverflow() {
        let blinded = BlindedMessage(G1Point.generator * Scalar(UInt64(0x5eed)))
        var key = G2Point.generator
        var checked: [(key: PublicKeyShare, share: BlindSignatureShare)] = []
        for k in 1...(PreparedKeys.capacity + 8) {
            // key = k·G2 and its share k·B, by additions (cheap) rather than scalar multiplications.
            if k > 1 { key = key + G2Point.generator }
            let share = BlindSignatureShare(blinded.point * Scalar(UInt64(k)))
            checked.append((PublicKeyShare(key), share))
            #expect(PublicKeyShare(key).verify(share, on: blinded), "key \(k), first check")
        }
        // Full, it stays full: the keys checked last are still held (it used to start over, and then held 8).
        #expect(PreparedKeys.count == PreparedKeys.capacity)
        for (k, entry) in checked.enumerated().suffix(4) {
            #expect(entry.key.verify(entry.share, on: blinded), "key \(k + 1), cached")
            #expect(!checked[k - 1].key.verify(entry.share, on: blinded), "key \(k)'s lines accepted key \(k + 1)'s share")
        }
    }
}
