import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMMintClient
import Foundation

extension FMMint {
    struct Spend: AsyncParsableCommand {
        static let defaultReclaimAfter = "7d"

        static let configuration = CommandConfiguration(
            commandName: "spend",
            abstract: "Take AMOUNT out of the wallet as an out-of-band note string.",
            discussion: """
                When the wallet's notes do not add up to AMOUNT exactly, reissues them into exact change \
                first (one federation round trip; its fees are `fee_msat`). Notes are chosen largest first, \
                so the string holds few notes and the receiver's reissue is cheap: `receiver_fee_msat` is \
                what the receiver pays to reissue it; when it would take all of AMOUNT (tiny amounts), a \
                warning says so and the string cannot be reclaimed either.

                The notes leave the wallet: give the string to the receiver, who should `fm-mint reissue` it \
                at once. The string is kept in the operation log (`fm-mint list`), and the spend stays \
                reclaimable: if the receiver has not redeemed it after --reclaim-after (default \
                \(defaultReclaimAfter); `never` to turn it off), the next fm-mint command that reaches the \
                federation reissues the notes back into this wallet; `fm-mint reclaim OPERATION_ID` does it at \
                once. Until then `fm-mint balance` counts them as `reclaimable_msat`.

                Examples:
                  fm-mint spend 50000 | jq -r .notes | ssh bob fm-mint reissue -
                  fm-mint spend 2sat --reclaim-after 1h | jq '{operation_id, receiver_fee_msat, reclaim_after}'
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("Amount: msat by default, or with a unit (2sat, 0.001btc).", valueName: "amount"))
        var amount: String

        @Option(help: ArgumentHelp(
            "Take the notes back if not redeemed after this long: 30s, 10m, 2h, 7d, or never.", valueName: "duration"))
        var reclaimAfter: String = defaultReclaimAfter

        struct Output: Encodable {
            var operationId: OperationID
            var amountMsat: Amount
            /// The fee this wallet paid (the reissue for exact change; 0 when the notes fit exactly).
            var feeMsat: UInt64
            var receiverFeeMsat: UInt64?
            var changeOperationId: OperationID?
            var reclaimAfter: String?
            var notes: String
        }

        func run() async throws {
            let amount = try parseAmount(amount)
            var reclaimAt: Date?
            if reclaimAfter != "never" {
                let delay = try parseDuration(reclaimAfter, field: "--reclaim-after")
                reclaimAt = Date().addingTimeInterval(TimeInterval(delay.components.seconds))
            }
            let client = try await options.open()
            let mint = try client.mintModule()
            var attempt = try await mint.spend(amount, reclaimAt: reclaimAt)
            var fee: UInt64 = 0
            if let reissue = attempt.reissue {
                LogSetup.logger().info("reissuing for exact change (operation \(reissue))")
                let record = try await mint.await(reissue)
                if record.status == .failed { throw OperationFailed(record: record) }
                fee = record.resultField("fee_msat", as: UInt64.self) ?? 0
                attempt = try await mint.spend(amount, reclaimAt: reclaimAt)
            }
            guard let id = attempt.spent, let record = try await client.operations.record(id),
                let notes = record.resultField("notes", as: String.self)
            else { throw MintClientError.noteUnavailable("exact change") }
            let receiverFee = record.resultField("receiver_fee_msat", as: UInt64.self)
            if let receiverFee, receiverFee >= amount.msats {
                LogSetup.logger().warning(
                    "the receiver's fees would take all of the \(amount.msats) msat: the string is worth nothing to reissue")
            }
            try StandardOutput.emit(Output(
                operationId: id, amountMsat: amount, feeMsat: fee,
                receiverFeeMsat: receiverFee, changeOperationId: attempt.reissue,
                reclaimAfter: record.resultField("reclaim_after", as: String.self), notes: notes))
        }
    }
}
