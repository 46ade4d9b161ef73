import FMCore
import FMRPC
import Foundation
internal import Hummingbird
import NIOConcurrencyHelpers
internal import NIOCore

/// Per-client limits of the public API (docs/threat-model.md §9, "Floods of the gateway's public API"): a request
/// budget per client (``ClientAddress``: an IPv4 address or an IPv6 /64; answered `429` with a JSON error beyond it)
/// and caps on the invoices one client, and one network (IPv4 /24, IPv6 /48), may have waiting for payment, so one
/// client can neither keep the gateway busy asking its guardians nor, with its neighbours, fill the gateway-wide cap
/// of open invoices.
public struct GatewayLimits: Sendable {
    /// Requests an address may send at once, then ``requestsPerSecond``; every request counts, valid or not.
    public var requestBurst: Int
    public var requestsPerSecond: Double
    /// Invoices from `create_invoice` one address may have open (not yet paid, not expired) at once.
    public var openInvoicesPerClient: Int
    /// Invoices the clients of one network may have open at once: by default 10 clients' worth, so the 10,000
    /// open invoices of the whole gateway take at least 10 networks (not 100 addresses of one subnet).
    public var openInvoicesPerNetwork: Int

    public init(requestBurst: Int = 60, requestsPerSecond: Double = 10, openInvoicesPerClient: Int = 100, openInvoicesPerNetwork: Int = 1_000) {
        self.requestBurst = requestBurst
        self.requestsPerSecond = requestsPerSecond
        self.openInvoicesPerClient = openInvoicesPerClient
        self.openInvoicesPerNetwork = openInvoicesPerNetwork
    }
}

/// The public API's request context, with the client the limits key on.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let client: ClientAddress

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = ClientAddress(source.channel.remoteAddress?.ipAddress)
    }
}

/// Contracts the guardians said were not funded (or unknown), remembered for a few seconds so a client repeating `pay` for one is
/// refused without asking the guardians again. Bounded: when full, entries past their time are dropped, and if none
/// are the contract is simply not remembered (the guardians are asked, as without the cache).
final class RecentlyUnfunded: Sendable {
    static let remembered: Duration = .seconds(5)
    static let capacity = 4_096
    private let entries = NIOLockedValueBox<[Hash256: ContinuousClock.Instant]>([:])

    func contains(_ id: Hash256, now: ContinuousClock.Instant = .now) -> Bool {
        entries.withLockedValue { entries in
            guard let since = entries[id] else { return false }
            if now - since < Self.remembered { return true }
            entries[id] = nil
            return false
        }
    }

    func remember(_ id: Hash256, now: ContinuousClock.Instant = .now) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries = entries.filter { now - $0.value < Self.remembered } }
            if entries.count < Self.capacity { entries[id] = now }
        }
    }
}
