internal import NIOConcurrencyHelpers

/// One token bucket per key (a client id, a client address), bounded in memory: keys whose bucket has refilled
/// are forgotten when the table grows past its sweep size, and at ``maxKeys`` unknown keys are refused outright
/// (a stranger minting keys cannot grow the table without bound). Used by the guardian (operator credential,
/// backups) and by fm-gateway's public API.
public final class KeyedRateLimiter: Sendable {
    private struct State {
        var buckets: [String: (bucket: TokenBucket, lastUsed: ContinuousClock.Instant)] = [:]
        var sweepAbove = 4_096
        var lastSweep: ContinuousClock.Instant?
    }

    public let burst: Int
    public let perSecond: Double
    public let maxKeys: Int
    private let state = NIOLockedValueBox(State())

    public init(burst: Int, perSecond: Double, maxKeys: Int = 100_000) {
        self.burst = burst
        self.perSecond = perSecond
        self.maxKeys = maxKeys
    }

    /// Takes one token of `key`'s bucket; `false` when it is empty or the table is full of other keys.
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
                guard state.buckets.count < maxKeys else { return false }
                state.buckets[key] = (TokenBucket(capacity: Double(burst), refillPerSecond: perSecond, now: now), now)
            }
            state.buckets[key]!.lastUsed = now
            return state.buckets[key]!.bucket.take(now: now)
        }
    }

    /// Whether `key`'s bucket has a token, without taking it (an unknown key's bucket is full). Limits that count
    /// only failures (``OperatorAuthenticator``) ask this first and ``take(_:now:)`` after a failure.
    public func hasToken(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLockedValue { state in
            guard var bucket = state.buckets[key]?.bucket else { return true }
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
