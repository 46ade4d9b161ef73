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
        #expect(!limiter.take("new", now: start + .milliseconds(100)), "full of live keys")
        // Before the fix the sweep size stayed at 4,096 > maxKeys: no sweep ever ran and "new" was refused forever.
        #expect(limiter.take("new", now: start + .seconds(3)))
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
