/// A token bucket: holds up to `capacity` tokens, refills at `refillPerSecond`, and each request
/// takes one. A burst of `capacity` requests passes at once; after that, `refillPerSecond`
/// requests per second do. Pure value: the caller supplies the time.
public struct TokenBucket: Sendable {
    public let capacity: Double
    public let refillPerSecond: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    /// A full bucket.
    public init(capacity: Double, refillPerSecond: Double, now: ContinuousClock.Instant = .now) {
        precondition(capacity >= 1 && refillPerSecond > 0, "a token bucket needs capacity >= 1 and a positive rate")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updated = now
    }

    /// Takes `count` tokens (one request, or a request's cost) if there are that many.
    public mutating func take(_ count: Double = 1, now: ContinuousClock.Instant = .now) -> Bool {
        if now > updated {
            tokens = min(capacity, tokens + (now - updated).seconds * refillPerSecond)
            updated = now
        }
        guard tokens >= count else { return false }
        tokens -= count
        return true
    }
}
