import FMCore
import FMLightningCommon
import FMSecp256k1
import FMServerCore
import Testing

@testable import FMLightningServer

extension OutgoingContractTests {
    /// The Lightning page's figures (issue 18) come from the module's own state: the registered gateways with their
    /// node, URL, fees and expiry, and each open (funded) contract with its amount and timelock.
    @Test func dashboardReportShowsGatewaysAndOpenContracts() async throws {
        var (federation, contract) = try await funded()
        let module = federation.lnModules[0]
        let gatewayKey = Keypair()
        let announcement = try GatewayAnnouncement(
            configID: module.config.configID, gatewayKey: gatewayKey.xOnlyPublicKey, nodeKey: gatewayKey.publicKey,
            apiURL: "http://gateway.example:8176", baseFee: Amount(msats: 2_000), feePartsPerMillion: 1_500, ttl: 600,
            timestamp: federation.clock.now
        ).signed(with: gatewayKey)
        _ = try module.registry.announce(announcement, configID: module.config.configID, now: federation.clock.now)
        func report() throws -> ModuleDashboardReport {
            try federation.processors[0].database.readNow { try module.dashboardReport(db: $0) }
        }
        func fact(_ key: String, _ report: ModuleDashboardReport) -> ModuleDashboardValue? {
            report.facts.first { $0.key == key }?.value
        }
        var shown = try report()
        #expect(fact("gateways", shown) == .count(1))
        #expect(fact("open-outgoing", shown) == .count(1))
        #expect(fact("open-incoming", shown) == .count(0))
        #expect(fact("locked", shown) == .amount(Amount(msats: 1_088)))
        #expect(fact("consensus-time", shown) == .unixTime(LightningFederation.start))
        let gateways = try #require(shown.tables.first { $0.key == "gateway-list" })
        #expect(gateways.rows == [[
            .identifier(Hex.encode(gatewayKey.xOnlyPublicKey.rawRepresentation)), .identifier("\(gatewayKey.publicKey)"),
            .text("http://gateway.example:8176"), .amount(Amount(msats: 2_000)), .text("1500 ppm"),
            .unixTime(federation.clock.now + 600),
        ]])
        let contracts = try #require(shown.tables.first { $0.key == "contracts" })
        #expect(contracts.rows.count == 1)
        #expect(contracts.rows.first?[0] == .identifier(contract.id.hex))
        #expect(contracts.rows.first?[1] == .text("outgoing"))
        #expect(contracts.rows.first?[2] == .amount(Amount(msats: 1_088)))
        #expect(contracts.rows.first?[3] == .unixTime(contract.timelock))

        // Claimed: no longer open; the expired announcement is gone.
        let preimage = Preimage(bytes: [UInt8](repeating: 0x42, count: 32))!
        let claim = federation.spend(.outgoingClaim(contract, preimage: preimage), key: gateway, into: federation.secrets([10, 6]))
        #expect(try await federation.submit(claim) == .accepted)
        federation.clock.set(federation.clock.now + 600)
        shown = try report()
        #expect(fact("open-outgoing", shown) == .count(0))
        #expect(fact("claimed", shown) == .count(1))
        #expect(fact("gateways", shown) == .count(0))
        #expect(shown.tables.first { $0.key == "contracts" }?.rows.isEmpty == true)
    }
}
