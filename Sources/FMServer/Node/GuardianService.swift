import FMRPC
import Prometheus
import ServiceLifecycle

/// Runs a ``GuardianNode`` (network, consensus, block processing) as a swift-service-lifecycle `Service`:
/// on graceful shutdown (SIGTERM in fm-node) it stops consensus and the network and returns.
public struct GuardianService: Service {
    public let node: GuardianNode

    public init(node: GuardianNode) { self.node = node }

    public func run() async throws {
        let node = node
        try await withGracefulShutdownHandler {
            try await node.run()
        } onGracefulShutdown: {
            node.shutdown()
        }
    }
}

extension GuardianNode {
    /// The client API server for this guardian, with every method of ``GuardianAPI``, a JSON status page at `/`
    /// and, given a registry, Prometheus metrics at `/metrics`. `adminGate` checks the operator's credential on the
    /// admin methods (default: every admin call is refused); given the guardian's `configDirectory`, the guardian
    /// backup's admin methods are served too (``GuardianBackupAPI``). The methods in `withheld` are not served (fm-bench:
    /// a guardian of an older release, whose clients fall back to older methods).
    public func makeAPIServer(
        host: String? = nil, port: Int? = nil, prometheus: PrometheusCollectorRegistry? = nil,
        adminGate: any RPCAdminGate = RPCDenyAllAdminGate(), configDirectory: GuardianConfigDirectory? = nil,
        withheld: Set<String> = []
    ) -> RPCServer {
        var registry = RPCMethodRegistry(adminGate: adminGate)
        GuardianAPI.register(into: &registry, node: self)
        for method in withheld { registry.remove(method) }
        if let configDirectory {
            GuardianBackupAPI(backups: GuardianBackups(node: self, configDirectory: configDirectory)).register(into: &registry)
        }
        var configuration = RPCServer.Configuration()
        configuration.host = host ?? configs.local.apiBindHost
        configuration.port = port ?? configs.local.apiBindPort
        configuration.serverName = "fm-node"
        if let limits = configs.local.apiLimits {
            if let value = limits.maxConnectionsPerAddress { configuration.maxConnectionsPerAddress = max(1, value) }
            if let value = limits.idleTimeoutSeconds { configuration.idleTimeout = .seconds(max(60, value)) }
            if let burst = limits.clientBudgetBurst, let rate = limits.clientBudgetPerSecond {
                configuration.clientBudget = .init(burst: max(RPCMethodRegistry.submitCost, burst), perSecond: Double(max(1, rate)))
            }
        }
        return RPCServer(
            registry: registry, configuration: configuration,
            statusPage: { [self] in
                guard let status = try? await self.status(), let page = try? RPCStatusPage.jsonEncoding(status) else {
                    return .text("fm-node: status unavailable")
                }
                return page
            },
            prometheus: prometheus,
            beforeMetrics: { [self] in refreshPeerMetrics() },
            logger: logger)
    }
}
