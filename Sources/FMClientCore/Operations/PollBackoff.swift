/// The one way fm's clients and the gateway sleep between polls that have no event to wait on (docs/lightning.md,
/// "Waiting"): the first pause is short, so an answer that is nearly there costs a few milliseconds instead of a
/// fixed interval, and each further pause doubles up to `cap`, so a long wait costs few calls. ``reset()`` after
/// progress starts short again.
public struct PollBackoff: Sendable {
    public let first: Duration
    /// The longest pause; a caller may raise it for a wait that has gone on long (fewer calls).
    public var cap: Duration
    public private(set) var next: Duration

    public init(first: Duration = .milliseconds(10), cap: Duration) {
        precondition(first > .zero && cap >= first, "a backoff starts above zero and below its cap")
        self.first = first
        self.cap = cap
        next = first
    }

    /// Sleeps the current pause and doubles the next one (up to the cap). Throws only on cancellation.
    public mutating func pause() async throws {
        try await Task.sleep(for: next)
        next = min(next * 2, cap)
    }

    public mutating func reset() { next = first }
}
