import FMCore
import FMEncoding
import FMLightningCommon
import FMServerCore
import FMStorage

/// The Lightning module's figures for the operator dashboard: consensus time, the gateways registered with this
/// guardian (key, node, API URL, fees, expiry) and the open (funded) contracts with their amounts and timelocks.
extension LightningServerModule: ModuleDashboardReporting {
    /// Open contracts shown at most (the facts count them all).
    static let dashboardContractRows = 200

    public func dashboardReport(db: any StorageReading) throws -> ModuleDashboardReport {
        let now = clock()
        let gateways = registry.list(now: now)
        var counts: [String: UInt64] = [:]
        for row in try db.fetchAll("SELECT direction, state, COUNT(*) AS n FROM ln_contracts GROUP BY direction, state") {
            counts["\(try row.text("direction"))/\(try row.text("state"))"] = try row.unsigned("n")
        }
        func count(_ direction: String, _ state: String) -> UInt64 { counts["\(direction)/\(state)"] ?? 0 }
        let open = try db.fetchAll(
            """
            SELECT contract_id, direction, amount, contract, txid, out_index FROM ln_contracts WHERE state = 'funded'
            ORDER BY txid, out_index LIMIT ?
            """,
            [Self.dashboardContractRows]
        ).map { row -> [ModuleDashboardValue] in
            let direction = try row.text("direction")
            let bytes = try row.blob("contract")
            let id = try row.blob("contract_id")
            let txid = try row.blob("txid")
            // The stored bytes were checked when the contract was funded; a row that no longer decodes says so.
            let timelock: ModuleDashboardValue = if direction == "outgoing" {
                (try? OutgoingContract(canonicalBytes: bytes)).map { .unixTime($0.timelock) } ?? .text("undecodable")
            } else {
                (try? IncomingContract(canonicalBytes: bytes)).map { .unixTime($0.terms.expiration) } ?? .text("undecodable")
            }
            return [
                .identifier(Hex.encode(id)), .text(direction),
                .amount(Amount(msats: try row.unsigned("amount"))), timelock,
                .identifier("\(Hex.encode(txid)):\(try row.unsigned("out_index", as: UInt64.self))"),
            ]
        }
        let fundedOutgoing = count("outgoing", "funded"), fundedIncoming = count("incoming", "funded")
        let facts: [ModuleDashboardReport.Fact] = [
            .init("consensus-time", "Consensus time (median of the guardians' votes)", .unixTime(
                try LightningStore.consensusTime(peerCount: config.peerCount, db: db))),
            .init("gateways", "Registered gateways (this guardian)", .count(UInt64(gateways.count))),
            .init("open-outgoing", "Open outgoing contracts", .count(fundedOutgoing)),
            .init("open-incoming", "Open incoming contracts", .count(fundedIncoming)),
            .init("locked", "Locked in open contracts (liabilities)", .amount(try LightningStore.total(db: db))),
            .init("claimed", "Contracts claimed", .count(count("outgoing", "claimed") + count("incoming", "claimed"))),
            .init("refunded", "Contracts refunded", .count(count("outgoing", "refunded") + count("incoming", "refunded"))),
        ]
        let gatewayRows = gateways.map { signed -> [ModuleDashboardValue] in
            let gateway = signed.announcement
            return [
                .identifier(Hex.encode(gateway.gatewayKey.rawRepresentation)), .identifier("\(gateway.nodeKey)"),
                .text(gateway.apiURL), .amount(gateway.baseFee), .text("\(gateway.feePartsPerMillion) ppm"),
                .unixTime(gateway.expiresAt),
            ]
        }
        let shown = fundedOutgoing + fundedIncoming > UInt64(Self.dashboardContractRows)
            ? " (the first \(Self.dashboardContractRows))" : ""
        return ModuleDashboardReport(
            facts: facts,
            tables: [
                .init(
                    "gateway-list", caption: "Gateways registered with this guardian (signed announcements, unexpired)",
                    columns: ["Gateway key", "Lightning node", "API URL", "Base fee", "Proportional fee", "Expires"],
                    rows: gatewayRows, emptyText: "No gateway is registered."),
                .init(
                    "contracts", caption: "Open contracts: funded, not yet claimed or refunded\(shown)",
                    columns: ["Contract", "Direction", "Amount", "Timelock / expiry", "Funded by"],
                    rows: open, emptyText: "No open contract."),
            ])
    }
}
