import FMClient
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient

/// The gateway as an ordinary client of one federation: its own database (in `DATA_DIR/client/`, under the gateway's
/// mnemonic), its e-cash balance, its gateway key (module / "ln-gateway" / 0: claims outgoing contracts, refunds
/// incoming ones, signs announcements).
struct FederationLink: Sendable {
    let client: FederationClient
    let ln: LightningClientModule
    let mint: MintClientModule
    let operations: LightningOperations

    init(client: FederationClient) throws {
        guard let ln = client.module(LightningClientModule.self) else { throw GatewayError.federationWithoutLightning(client.config.federationId) }
        guard let mint = client.module(MintClientModule.self) else { throw GatewayError.federationWithoutLightning(client.config.federationId) }
        self.client = client
        self.ln = ln
        self.mint = mint
        operations = LightningOperations(ln: ln, mint: mint, pollInterval: .milliseconds(200))
    }

    var id: FederationID { client.config.federationId }
    var gatewayKeyHex: String { Hex.encode(ln.gatewayKey.xOnlyPublicKey.rawRepresentation) }

    static func open(_ id: FederationID, directory: ClientDirectory) throws -> FederationLink {
        try FederationLink(client: FederationClient.open(id, directory: directory, modules: ClientModules.all))
    }

    static func join(_ invite: InviteCode, directory: ClientDirectory) async throws -> FederationLink {
        try FederationLink(client: await FederationClient.join(invite: invite, directory: directory, modules: ClientModules.all))
    }
}
