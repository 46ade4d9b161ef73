import Foundation
import Testing

import FMRPC
@testable import FMServer

@Suite("The backup endpoints' per-key rate limiter stays bounded and never locks out new keys for good")
struct KeyedRateLimiterTests {
    @Test("a table filled with live keys refuses new ones only until those keys have refilled")
    func fullTableRecoversOnceKeysGoIdle() {
        // burst 1, 1 token/s: a key idle for 1 s is full again and can be forgotten.
        let limiter = KeyedRateLimiter(burst: 1, perSecond: 1, maxKeys: 4)
        let start = ContinuousClock.now
        for key in 0..<4 { #expect(limiter.take("key-\(key)", now: start)) }
        #expect(limiter.take("overflow", now: start), "the overflow bucket's one token")
        #expect(!limiter.take("new", now: start + .milliseconds(100)), "full of live keys, the overflow bucket empty")
        // Before the fix the sweep size stayed at 4,096 > maxKeys: no sweep ever ran and "new" was refused forever.
        #expect(limiter.take("new", now: start + .seconds(3)))
    }

    @Test("a full table limits the keys it cannot hold together, in take and hasToken alike")
    func fullTableLimitsUnknownKeys() {
        // Review 3: at maxKeys, hasToken said yes to every unknown key (an attacker rotating addresses was not limited
        // at all by the operator credential's failure limit) and take said no (fm-gateway refused every new client).
        let limiter = KeyedRateLimiter(burst: 2, perSecond: 1, maxKeys: 2)
        let now = ContinuousClock.now
        #expect(limiter.take("a", now: now) && limiter.take("b", now: now))
        #expect(limiter.hasToken("c", now: now), "the overflow bucket is full")
        #expect(limiter.take("c", now: now) && limiter.take("d", now: now), "strangers share the overflow bucket's burst")
        #expect(!limiter.take("e", now: now))
        #expect(!limiter.hasToken("f", now: now), "an unknown key is limited once the overflow bucket is empty")
        #expect(limiter.take("a", now: now), "a key in the table keeps its own bucket")
        #expect(limiter.take("g", now: now + .seconds(1)), "the overflow bucket refills at the rate")
    }

    @Test("a known key keeps its bucket: tokens are not handed out again by forgetting it")
    func knownKeyIsLimited() {
        let limiter = KeyedRateLimiter(burst: 2, perSecond: 0.1, maxKeys: 8)
        let now = ContinuousClock.now
        #expect(limiter.take("a", now: now))
        #expect(limiter.take("a", now: now))
        #expect(!limiter.take("a", now: now + .milliseconds(10)))
    }
}
