import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMMintClient
import Foundation

extension FMMint {
    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "balance",
            abstract: "Print the balance in msat: spendable, pending, their total, and what is reclaimable.",
            discussion: """
                Resumes unfinished operations and reclaims overdue spends first (so notes being issued are \
                counted once they are), then reads the client database in one transaction: \
                `spendable_msat` (notes ready to spend; also `balance_msat`), `pending_msat` (notes on their way \
                in: change, reissues, peg-in claims and deposits seen on chain, listed by operation in \
                `pending`), `total_msat` (the two together), `outgoing_msat` (peg-outs on their way out, no \
                longer counted) and `reclaimable_msat` (out-of-band spends not yet redeemed, which come back \
                after their reclaim time). `fm-mint await ID` finishes a pending operation.

                Examples:
                  fm-mint balance | jq .total_msat
                  fm-mint balance --offline --text
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Do not resume unfinished operations nor reclaim spends (no network).")
        var offline = false

        @Flag(help: "Print lines for a person instead of JSON.")
        var text = false

        struct Output: Encodable {
            var federationId: FederationID
            var balanceMsat: Amount
            var spendableMsat: Amount
            var pendingMsat: Amount
            var totalMsat: Amount
            var outgoingMsat: Amount
            var reclaimableMsat: Amount
            var pending: [InFlight]
        }

        func run() async throws {
            let client = try await options.open(resume: !offline)
            let sheet = try await client.balanceSheet()
            let incoming = try Amount.sum(sheet.inFlight.filter { $0.direction == .incoming }.map(\.amountMsat))
            let output = Output(
                federationId: client.config.federationId, balanceMsat: sheet.spendable, spendableMsat: sheet.spendable,
                pendingMsat: incoming, totalMsat: try sheet.spendable.adding(incoming),
                outgoingMsat: try Amount.sum(sheet.inFlight.filter { $0.direction == .outgoing }.map(\.amountMsat)),
                reclaimableMsat: try await client.module(MintClientModule.self)?.reclaimable() ?? .zero, pending: sheet.inFlight)
            guard text else { return try StandardOutput.emit(output) }
            StandardOutput.writeLine(Self.lines(output).joined(separator: "\n"))
        }

        static func lines(_ output: Output) -> [String] {
            let rows: [(String, Amount)] = [
                ("spendable", output.spendableMsat), ("pending", output.pendingMsat), ("total", output.totalMsat),
                ("outgoing", output.outgoingMsat), ("reclaimable", output.reclaimableMsat),
            ]
            let width = rows.map { String($0.1.msats).count }.max() ?? 1
            var lines = rows.map { name, amount in
                name.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(repeating: " ", count: width - String(amount.msats).count) + "\(amount.msats) msat"
            }
            for item in output.pending {
                lines.append("  \(item.direction.rawValue) \(item.amountMsat.msats) msat  \(item.kind) \(item.operationId) (\(item.stage))")
            }
            return lines
        }
    }
}
