internal import NIOConcurrencyHelpers

/// The limits one connection's requests pass through: a token bucket for the request rate and a
/// cap on requests being handled at once. Every message takes a token, valid or not.
final class RPCConnectionLimiter: Sendable {
    enum Admission: Sendable {
        case admitted
        case rejected(JSONRPCError)
    }

    private struct State {
        var bucket: TokenBucket
        var inFlight = 0
    }

    private let state: NIOLockedValueBox<State>
    private let maxInFlight: Int

    init(rateLimit: RPCServer.RateLimit, maxInFlight: Int) {
        self.state = NIOLockedValueBox(
            State(bucket: TokenBucket(capacity: Double(rateLimit.burst), refillPerSecond: rateLimit.perSecond)))
        self.maxInFlight = maxInFlight
    }

    /// Admits one request; when admitted, the caller must call ``release()`` once it has been answered.
    func admit() -> Admission {
        state.withLockedValue { state in
            guard state.bucket.take() else { return .rejected(.rateLimited(perSecond: state.bucket.refillPerSecond)) }
            guard state.inFlight < maxInFlight else { return .rejected(.tooManyInFlight(limit: maxInFlight)) }
            state.inFlight += 1
            return .admitted
        }
    }

    func release() {
        state.withLockedValue { $0.inFlight -= 1 }
    }
}
