/// How ``FederationAPI`` treats a guardian that answers "try again" (a ``GuardianRejection`` whose
/// category is `.unreachable`: rate limited, too many requests in flight, handler timeout, a long poll
/// that ended first): it asks that guardian again after `initialDelay`, doubling up to `maxDelay`, until
/// the question's deadline (its timeout, or `window` when it has none). A guardian still saying "try
/// again" at the deadline counts as unreachable, never as a refusal.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// The deadline of a question that has no timeout of its own.
    public var window: Duration
    /// How long ``FederationAPI/settledConsensus(_:params:as:timeout:)`` asks again while guardians disagree about
    /// state that is changing, before it reports the disagreement.
    public var settleWindow: Duration

    public init(
        initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5), window: Duration = .seconds(30),
        settleWindow: Duration = .seconds(5)
    ) {
        precondition(initialDelay > .zero && maxDelay >= initialDelay, "retry delays must be positive and ordered")
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.window = window
        self.settleWindow = settleWindow
    }

    /// The delay before the retry that follows `delay`.
    func next(after delay: Duration) -> Duration { min(delay * 2, maxDelay) }
}
