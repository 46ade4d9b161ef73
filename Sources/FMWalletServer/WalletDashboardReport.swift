import FMBitcoin
import FMCore
import FMServerCore
import FMStorage
import FMWalletCommon

/// The wallet's figures for the operator dashboard: this guardian's bitcoin node, the consensus height and fee
/// rate with every guardian's votes, the federation's UTXOs, and the peg-outs with their signature progress.
extension WalletServerModule: ModuleDashboardReporting {
    public func dashboardReport(db: any StorageReading) throws -> ModuleDashboardReport {
        let chain = monitor.snapshot
        let utxos = try WalletStore.spendable(db)
        let pegOuts = try WalletStore.pegOuts(db)
        let feeRate = try consensusFeeRate(db)
        let votes = try db.fetchAll(
            """
            SELECT h.peer AS peer, h.height AS height, f.rate AS rate FROM wallet_block_height_votes h
            LEFT JOIN wallet_fee_rate_votes f ON f.peer = h.peer
            UNION SELECT f.peer, NULL, f.rate FROM wallet_fee_rate_votes f
            WHERE f.peer NOT IN (SELECT peer FROM wallet_block_height_votes) ORDER BY peer
            """
        ).map { row -> [ModuleDashboardValue] in
            [
                .text("guardian \(try row.unsigned("peer", as: UInt64.self))"),
                try row.optionalUnsigned("height", as: UInt64.self).map { .count($0) } ?? .text("none"),
                try row.optionalUnsigned("rate", as: UInt64.self).map { .text("\($0) sat/kvB") } ?? .text("none"),
            ]
        }
        let facts: [ModuleDashboardReport.Fact] = [
            .init("node", "Bitcoin node", .text(backgroundStatus)),
            .init("node-height", "Node height", chain.tipHeight.map { .count($0) } ?? .text("unknown")),
            .init("finality", "Finality delay (blocks)", .count(UInt64(config.finalityDelay))),
            .init("consensus-height", "Consensus height", .count(try WalletStore.consensusHeight(db))),
            .init("fee-rate", "Consensus fee rate", .text("\(feeRate) sat/kvB")),
            .init("assets", "Spendable (assets)", .sats(try WalletStore.spendableTotal(db))),
            .init("utxos", "UTXOs", .count(UInt64(utxos.count))),
        ]
        return ModuleDashboardReport(
            facts: facts,
            tables: [
                .init(
                    "votes", caption: "Votes (block height, fee rate) by guardian",
                    columns: ["Guardian", "Height vote", "Fee rate vote"], rows: votes, emptyText: "No vote yet."),
                .init(
                    "utxos", caption: "Federation UTXOs", columns: ["Outpoint", "Value"],
                    rows: utxos.map { [.identifier("\($0.outPoint)"), .sats($0.value)] }, emptyText: "No UTXO."),
                .init(
                    "peg-outs", caption: "Peg-outs and fee bumps, newest first",
                    columns: ["Txid", "Kind", "Signatures", "State"],
                    rows: try pegOuts.reversed().map { pegOut in
                        let shares = try WalletStore.shares(pegOut.txid, db: db).count
                        let state: String = if let height = pegOut.confirmedAt {
                            "confirmed (consensus height \(height))"
                        } else if pegOut.signed != nil { "signed, broadcasting" } else { "collecting signatures" }
                        return [
                            .identifier("\(pegOut.txid)"), .text(pegOut.isBump ? "fee bump" : "peg-out"),
                            .text("\(shares) of \(config.threshold)"), .text(state),
                        ]
                    },
                    emptyText: "No peg-out yet."),
            ])
    }
}
