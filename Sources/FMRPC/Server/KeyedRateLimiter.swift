internal import NIOConcurrencyHelpers

/// One token bucket per key (a client id, a ``ClientAddress/key``), bounded in memory: keys whose bucket has
/// refilled are forgotten when the table grows past its sweep size, and at ``maxKeys`` a key not in the table shares
/// one overflow bucket (same burst and rate) with every other such key, so a stranger minting keys can neither grow
/// the table without bound nor escape the limit, nor lock out new keys for good. Used by the guardian (operator
/// credential, backups) and by fm-gateway's public API.
public final class KeyedRateLimiter: Sendable {
    private struct State {
        var buckets: [String: (bucket: TokenBucket, lastUsed: ContinuousClock.Instant)] = [:]
        var sweepAbove = 4_096
        var lastSweep: ContinuousClock.Instant?
        /// The bucket of keys that find the table full.
        var overflow: TokenBucket
    }

    public let burst: Int
    public let perSecond: Double
    public let maxKeys: Int
    private let state: NIOLockedValueBox<State>

    public init(burst: Int, perSecond: Double, maxKeys: Int = 100_000) {
        self.burst = burst
        self.perSecond = perSecond
        self.maxKeys = maxKeys
        state = NIOLockedValueBox(State(overflow: TokenBucket(capacity: Double(burst), refillPerSecond: perSecond)))
    }

    /// Takes one token of `key`'s bucket (the overflow bucket when the table is full of other keys); `false` when it
    /// is empty.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLockedValue { state in
            if state.buckets[key] == nil {
                // Sweep when the table reaches its sweep size, or is full (then at most once a second: a full table
                // of live keys must not cost a scan per request); without the second case a sweep that left more
                // than maxKeys / 2 live keys set the sweep size above maxKeys, and unknown keys were refused for good.
                let full = state.buckets.count >= maxKeys
                if full ? state.lastSweep.map({ now - $0 >= .seconds(1) }) ?? true : state.buckets.count >= state.sweepAbove {
                    sweep(&state, now: now)
                }
                guard state.buckets.count < maxKeys else { return state.overflow.take(now: now) }
                state.buckets[key] = (TokenBucket(capacity: Double(burst), refillPerSecond: perSecond, now: now), now)
            }
            state.buckets[key]!.lastUsed = now
            return state.buckets[key]!.bucket.take(now: now)
        }
    }

    /// Whether `key`'s bucket has a token, without taking it (an unknown key's bucket is full, unless the table is
    /// full: then it is the overflow bucket). Limits that count only failures (``OperatorAuthenticator``) ask this
    /// first and ``take(_:now:)`` after a failure.
    public func hasToken(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLockedValue { state in
            guard var bucket = state.buckets[key]?.bucket ?? (state.buckets.count >= maxKeys ? state.overflow : nil) else { return true }
            return bucket.take(now: now)
        }
    }

    /// Forgets keys idle long enough for their bucket to be full again (forgetting them changes nothing).
    private func sweep(_ state: inout State, now: ContinuousClock.Instant) {
        let refill = Duration.seconds(Double(burst) / perSecond)
        state.buckets = state.buckets.filter { now - $0.value.lastUsed < refill }
        state.sweepAbove = min(maxKeys, max(4_096, state.buckets.count * 2))
        state.lastSweep = now
    }
}
