internal import NIOConcurrencyHelpers

/// The limits one connection's requests pass through (for HTTP: one client address's requests): a
/// token bucket for the request rate, a cap on requests being handled at once, and the client address's
/// cost budget. Every message takes a rate token, valid or not, and its method's cost from the budget.
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
    private let budget: RPCClientBudget?
    /// The client address whose requests pass here (handlers that limit per address read it from the context).
    let clientAddress: String

    init(rateLimit: RPCServer.RateLimit, maxInFlight: Int, budget: RPCClientBudget? = nil, clientAddress: String = "unknown") {
        self.clientAddress = clientAddress
        self.state = NIOLockedValueBox(
            State(bucket: TokenBucket(capacity: Double(rateLimit.burst), refillPerSecond: rateLimit.perSecond)))
        self.maxInFlight = maxInFlight
        self.budget = budget
    }

    /// Admits one request costing `cost` budget units; when admitted, the caller must call ``release()``
    /// once it has been answered.
    func admit(cost: Int = 1) -> Admission {
        state.withLockedValue { state in
            guard state.bucket.take() else { return .rejected(.rateLimited(perSecond: state.bucket.refillPerSecond)) }
            guard state.inFlight < maxInFlight else { return .rejected(.tooManyInFlight(limit: maxInFlight)) }
            if let budget, !budget.take(cost) { return .rejected(.budgetExceeded(perSecond: budget.perSecond)) }
            state.inFlight += 1
            return .admitted
        }
    }

    func release() {
        state.withLockedValue { $0.inFlight -= 1 }
    }
}
