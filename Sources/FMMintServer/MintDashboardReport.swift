import FMCore
import FMMintCommon
import FMServerCore
import FMStorage

/// The mint's figures for the operator dashboard: the audit totals, the spent-nonce count, and per denomination
/// how many notes were issued and redeemed (from `mint_issued_outputs` and `mint_spent_nonces`).
extension MintServerModule: ModuleDashboardReporting {
    public func dashboardReport(db: any StorageReading) throws -> ModuleDashboardReport {
        let issued = try Self.countsByDenomination("mint_issued_outputs", db: db)
        let redeemed = try Self.countsByDenomination("mint_spent_nonces", db: db)
        let spent: UInt64 = try db.fetchOne("SELECT COUNT(*) AS n FROM mint_spent_nonces")?.unsigned("n") ?? 0
        let rows = Set(issued.keys).union(redeemed.keys).sorted().map { denomination -> [ModuleDashboardValue] in
            let issuedCount = issued[denomination] ?? 0
            let redeemedCount = redeemed[denomination] ?? 0
            return [
                .amount(denomination.amount), .count(issuedCount), Self.value(denomination, times: issuedCount),
                .count(redeemedCount), Self.value(denomination, times: redeemedCount),
            ]
        }
        return ModuleDashboardReport(
            facts: [
                .init("outstanding", "Notes outstanding (liability)", .amount(try MintStore.total(.outstanding, db: db))),
                .init("dev-issued", "Dev-issued (dev mode asset)", .amount(try MintStore.total(.devIssued, db: db))),
                .init("spent-nonces", "Spent nonces (notes redeemed)", .count(spent)),
                .init("issued-notes", "Notes issued", .count(issued.values.reduce(0, &+))),
            ],
            tables: [
                .init(
                    "denominations", caption: "Issued and redeemed per denomination",
                    columns: ["Denomination", "Issued", "Issued value", "Redeemed", "Redeemed value"], rows: rows,
                    emptyText: "No note issued yet."),
            ])
    }

    private static func countsByDenomination(_ table: String, db: any StorageReading) throws -> [Denomination: UInt64] {
        var counts: [Denomination: UInt64] = [:]
        for row in try db.fetchAll("SELECT denomination, COUNT(*) AS n FROM \(table) GROUP BY denomination") {
            counts[try row.denomination(in: table)] = try row.unsigned("n")
        }
        return counts
    }

    /// count × denomination, or a note that it does not fit (never a trap).
    private static func value(_ denomination: Denomination, times count: UInt64) -> ModuleDashboardValue {
        guard let total = try? denomination.amount.multiplied(by: count) else { return .text("more than 2^64 msat") }
        return .amount(total)
    }
}
