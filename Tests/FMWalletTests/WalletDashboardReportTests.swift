import FMBitcoin
import FMCore
import FMSecp256k1
import FMServerCore
import FMWalletCommon
@testable import FMWalletServer
import Testing

extension WalletModuleTests {
    /// The bitcoin page's figures (issue 18) come from the wallet's own state: node and consensus heights, every
    /// guardian's votes, the UTXOs, and each peg-out with its signature progress.
    @Test func dashboardReportShowsChainVotesUtxosAndPegOuts() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain)
        let proof = try deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }  // tip 13: votes 11
        try await federation.roundOfProposals()
        _ = try federation.processInput(.pegIn(proof))
        let guardian = federation.guardians[0]
        func report() throws -> ModuleDashboardReport {
            try guardian.database.readNow { try guardian.module.dashboardReport(db: $0) }
        }
        func fact(_ key: String, in report: ModuleDashboardReport) -> ModuleDashboardValue? {
            report.facts.first { $0.key == key }?.value
        }
        var shown = try report()
        #expect(fact("node-height", in: shown) == .count(13))
        #expect(fact("consensus-height", in: shown) == .count(11))
        #expect(fact("assets", in: shown) == .sats(100_000))
        #expect(fact("utxos", in: shown) == .count(1))
        let votes = try #require(shown.tables.first { $0.key == "votes" })
        #expect(votes.rows.count == 4)
        #expect(votes.rows.allSatisfy { $0[1] == .count(11) })
        #expect(shown.tables.first { $0.key == "peg-outs" }?.rows.isEmpty == true)

        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: 1_000, config: federation.config)
        let fmOutPoint = FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([1])), outIndex: 2)
        _ = try federation.processOutput(.pegOut(PegOut(address: destination, amount: 40_000, feeRate: 1_000, fee: fee)), at: fmOutPoint)
        shown = try report()
        var pegOuts = try #require(shown.tables.first { $0.key == "peg-outs" })
        #expect(pegOuts.rows.count == 1)
        #expect(pegOuts.rows.first?[2] == .text("0 of 3"))
        #expect(pegOuts.rows.first?[3] == .text("collecting signatures"))

        try await federation.roundOfProposals()  // signature shares go round: signed
        pegOuts = try #require(try report().tables.first { $0.key == "peg-outs" })
        let signed = try #require(chain.broadcasts.first)
        #expect(pegOuts.rows.first?[0] == .identifier("\(signed.txid)"))
        #expect(pegOuts.rows.first?[3] == .text("signed, broadcasting"))
    }
}
