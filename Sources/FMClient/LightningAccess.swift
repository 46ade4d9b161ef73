import FMClientCore
import FMCore
import FMLightningClient
import FMMintClient

extension FederationClient {
    /// Lightning payments and receives for this federation (its ln and mint modules), reaching gateways through
    /// `gateway` (HTTP by default).
    public func lightningOperations(
        gateway: any GatewayConnection = HTTPGatewayConnection(), pollInterval: Duration = .milliseconds(500)
    ) throws -> LightningOperations {
        guard let ln = module(LightningClientModule.self) else { throw NoLightningModule() }
        guard let mint = module(MintClientModule.self) else { throw NoLightningModule() }
        return LightningOperations(ln: ln, mint: mint, pollInterval: pollInterval, gateway: gateway)
    }
}

/// The federation has no Lightning module (or no mint module to pay with) this client can use.
public struct NoLightningModule: ReportableError {
    public var category: FailureCategory { .failed }
    public var code: String { "no_lightning_module" }
    public var description: String { "this federation has no Lightning module (with a mint module) this client can use" }
}
