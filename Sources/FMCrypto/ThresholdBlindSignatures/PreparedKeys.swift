import FMBLS12381
import Synchronization

/// The Miller-loop lines of the public keys that notes and shares are checked against, computed once per process.
/// A mint's keys never change while a guardian or a wallet runs, and every check pairs with them: a prepared key
/// spares each later check its G2 arithmetic (about a fifth of a 13-pair batch check). Keyed by the point itself, so
/// an entry is never wrong; bounded by ``capacity`` (a federation's keys are a few hundred points; 20 KB each).
enum PreparedKeys {
    static let capacity = 512
    private static let cache = Mutex<[G2Point: G2Prepared]>([:])

    /// `key`'s lines, from the cache or computed now (then kept). A full cache drops one entry, the first in the
    /// dictionary's per-process hash order: with more keys in use than it holds (a gateway serving many federations)
    /// most checks still hit, where starting over made every one miss (review 14).
    static func lines(_ key: G2Point) -> G2Prepared {
        if let known = cache.withLock({ $0[key] }) { return known }
        let lines = G2Prepared(key)
        cache.withLock { cache in
            if cache.count >= capacity, cache[key] == nil { cache.remove(at: cache.startIndex) }
            cache[key] = lines
        }
        return lines
    }

    /// How many keys are cached (tests).
    static var count: Int { cache.withLock { $0.count } }

    /// e(a, key)·e(b, G2) = 1 with both G2 points prepared: the shape of every single signature or share check.
    static func productIsOne(_ a: G1Point, _ key: G2Point, _ b: G1Point) -> Bool {
        pairingProductIsOne([], prepared: [(a, lines(key)), (b, .generator)])
    }
}
