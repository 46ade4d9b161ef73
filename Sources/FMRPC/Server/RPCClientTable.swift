internal import NIOConcurrencyHelpers
internal import NIOCore

/// What the server keeps per client, a client being a remote IPv4 address or IPv6 /64 (``ClientAddress``): its open connections (capped),
/// the limiter its HTTP `POST /rpc` requests share, and the cost budget all its requests draw from (over
/// every connection, WebSocket and HTTP). One address can thus neither hold unbounded connections nor
/// spend another address's allowance.
final class RPCClientTable: Sendable {
    private struct Entry {
        var connections = 0
        let http: RPCConnectionLimiter
        let budget: RPCClientBudget
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// The table is swept of idle addresses whenever it grows past this.
        var sweepAbove = RPCClientTable.minimumSweepSize
    }

    let maxConnectionsPerAddress: Int
    private let rateLimit: RPCServer.RateLimit
    private let maxInFlight: Int
    private let budget: RPCServer.RateLimit
    private let state = NIOLockedValueBox(State())

    static let minimumSweepSize = 4096
    /// An address with no connection that made no request for this long is forgotten (its buckets are
    /// full again by then at any sensible rate).
    static let forgetAfter: Duration = .seconds(120)

    init(configuration: RPCServer.Configuration) {
        maxConnectionsPerAddress = configuration.maxConnectionsPerAddress
        rateLimit = configuration.rateLimit
        maxInFlight = configuration.maxInFlightPerConnection
        budget = configuration.clientBudget
    }

    /// The key of a remote address (``ClientAddress/key``: an IPv4 address or an IPv6 /64).
    static func address(of socketAddress: SocketAddress?) -> String {
        ClientAddress(socketAddress?.ipAddress).key
    }

    /// Counts a new connection from `address`; `false` (and not counted) when the address is at its cap.
    func openConnection(_ address: String) -> Bool {
        withEntry(address) { entry in
            guard entry.connections < maxConnectionsPerAddress else { return false }
            entry.connections += 1
            return true
        }
    }

    func closeConnection(_ address: String) {
        withEntry(address) { $0.connections = max(0, $0.connections - 1) }
    }

    /// The limiter shared by all HTTP requests of `address` (rate, in-flight cap and cost budget).
    func httpLimiter(_ address: String) -> RPCConnectionLimiter {
        withEntry(address) { $0.http }
    }

    /// A limiter for one new WebSocket connection of `address`: its own rate and in-flight cap, the
    /// address's cost budget.
    func connectionLimiter(_ address: String) -> RPCConnectionLimiter {
        let budget = withEntry(address) { $0.budget }
        return RPCConnectionLimiter(rateLimit: rateLimit, maxInFlight: maxInFlight, budget: budget, clientAddress: address)
    }

    private func withEntry<T>(_ address: String, _ body: (inout Entry) -> T) -> T {
        let now = ContinuousClock.now
        return state.withLockedValue { state in
            if state.entries[address] == nil {
                if state.entries.count >= state.sweepAbove { sweep(&state, now: now) }
                let budget = RPCClientBudget(budget)
                state.entries[address] = Entry(
                    http: RPCConnectionLimiter(
                        rateLimit: rateLimit, maxInFlight: maxInFlight, budget: budget, clientAddress: address),
                    budget: budget, lastUsed: now)
            }
            state.entries[address]!.lastUsed = now
            return body(&state.entries[address]!)
        }
    }

    private func sweep(_ state: inout State, now: ContinuousClock.Instant) {
        state.entries = state.entries.filter { $0.value.connections > 0 || now - $0.value.lastUsed < Self.forgetAfter }
        state.sweepAbove = max(Self.minimumSweepSize, state.entries.count * 2)
    }
}

/// The cost units one client address may spend: a token bucket shared by all its connections, each
/// request taking its method's cost (``RPCMethodRegistry/register(_:summary:timeout:cost:_:)``).
final class RPCClientBudget: Sendable {
    private let bucket: NIOLockedValueBox<TokenBucket>
    let perSecond: Double

    init(_ rate: RPCServer.RateLimit) {
        bucket = NIOLockedValueBox(TokenBucket(capacity: Double(rate.burst), refillPerSecond: rate.perSecond))
        perSecond = rate.perSecond
    }

    func take(_ cost: Int) -> Bool {
        bucket.withLockedValue { $0.take(Double(cost)) }
    }
}
