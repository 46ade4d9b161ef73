import FMCore
import FMDatabase
import FMEncoding
import FMLightningCommon
import FMServerCore
import Foundation
import GRDB

/// The Lightning module's figures for the operator dashboard: consensus time, the gateways registered with this
/// guardian (key, node, API URL, fees, expiry) and the open (funded) contracts with their amounts and timelocks.
extension LightningServerModule: ModuleDashboardReporting {
    /// Open contracts shown at most (the facts count them all).
    static let dashboardContractRows = 200

    public func dashboardReport(db: any StorageReading) throws -> ModuleDashboardReport {
        let db = try db.sqliteConnection()
        let now = clock()
        let gateways = registry.list(now: now)
        let counts = try Row.fetchAll(
            db, sql: "SELECT direction, state, COUNT(*) AS n FROM ln_contracts GROUP BY direction, state")
        func count(_ direction: String, _ state: String) throws -> UInt64 {
            guard let row = counts.first(where: { $0["direction"] == direction && $0["state"] == state }) else { return 0 }
            return try UInt64(storedInteger: row["n"], "count")
        }
        let open = try Row.fetchAll(
            db,
            sql: """
                SELECT contract_id, direction, amount, contract, txid, out_index FROM ln_contracts WHERE state = 'funded'
                ORDER BY txid, out_index LIMIT ?
                """,
            arguments: [Self.dashboardContractRows]
        ).map { row -> [ModuleDashboardValue] in
            let direction: String = row["direction"]
            let bytes: Data = row["contract"]
            let id: Data = row["contract_id"]
            let txid: Data = row["txid"]
            // The stored bytes were checked when the contract was funded; a row that no longer decodes says so.
            let timelock: ModuleDashboardValue = if direction == "outgoing" {
                (try? OutgoingContract(canonicalBytes: bytes)).map { .unixTime($0.timelock) } ?? .text("undecodable")
            } else {
                (try? IncomingContract(canonicalBytes: bytes)).map { .unixTime($0.terms.expiration) } ?? .text("undecodable")
            }
            return [
                .identifier(Hex.encode(Array(id))), .text(direction),
                .amount(Amount(msats: try UInt64(storedInteger: row["amount"], "amount"))), timelock,
                .identifier("\(Hex.encode(Array(txid))):\(try UInt64(storedInteger: row["out_index"], "out_index"))"),
            ]
        }
        let fundedOutgoing = try count("outgoing", "funded"), fundedIncoming = try count("incoming", "funded")
        let facts: [ModuleDashboardReport.Fact] = [
            .init("consensus-time", "Consensus time (median of the guardians' votes)", .unixTime(
                try LightningStore.consensusTime(peerCount: config.peerCount, db: db))),
            .init("gateways", "Registered gateways (this guardian)", .count(UInt64(gateways.count))),
            .init("open-outgoing", "Open outgoing contracts", .count(fundedOutgoing)),
            .init("open-incoming", "Open incoming contracts", .count(fundedIncoming)),
            .init("locked", "Locked in open contracts (liabilities)", .amount(try LightningStore.total(db: db))),
            .init("claimed", "Contracts claimed", .count(try count("outgoing", "claimed") + count("incoming", "claimed"))),
            .init("refunded", "Contracts refunded", .count(try count("outgoing", "refunded") + count("incoming", "refunded"))),
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
