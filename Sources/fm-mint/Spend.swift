import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMMintClient

extension FMMint {
    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take AMOUNT out of the wallet as an out-of-band note string.",
            discussion: """
                When the wallet's notes do not add up to AMOUNT exactly, reissues them into exact change \
                first (one federation round trip). The notes leave the wallet: give the string to the \
                receiver, who should `fm-mint reissue` it at once. The string is also kept in the \
                operation log (`fm-mint await OPERATION_ID`), so a lost terminal does not lose it.

                Examples:
                  fm-mint spend 50000 | jq -r .notes | ssh bob fm-mint reissue -
                  fm-mint spend 2sat | jq -r .notes > notes.txt
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("Amount: msat by default, or with a unit (2sat, 0.001btc).", valueName: "amount"))
        var amount: String

        struct Output: Encodable {
            var operationId: OperationID
            var amountMsat: Amount
            var notes: String
        }

        func run() async throws {
            let amount = try parseAmount(amount)
            let client = try await options.open()
            let mint = try client.mintModule()
            var attempt = try await mint.spend(amount)
            if let reissue = attempt.reissue {
                LogSetup.logger().info("reissuing for exact change (operation \(reissue))")
                let record = try await mint.await(reissue)
                if record.status == .failed { throw OperationFailed(record: record) }
                attempt = try await mint.spend(amount)
            }
            guard let id = attempt.spent, let record = try await client.operations.record(id),
                case .object(let result)? = record.result, case .string(let notes)? = result["notes"]
            else { throw MintClientError.noteUnavailable("exact change") }
            try StandardOutput.emit(Output(operationId: id, amountMsat: amount, notes: notes))
        }
    }
}
