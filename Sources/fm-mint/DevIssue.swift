import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMMintClient

extension FMMint {
    struct DevIssue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dev-issue",
            abstract: "DEV ONLY: create AMOUNT of test e-cash (federations started in dev mode only).",
            discussion: """
                Stands in for deposits until peg-in exists. A federation whose config has dev_mode: false \
                refuses it, and this command refuses to try. Never for real money.

                Examples:
                  fm-mint dev-issue 100000 | jq .result
                  fm-mint dev-issue 5sat --data-dir alice
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("Amount to create (before the mint's fees).", valueName: "amount"))
        var amount: String

        func run() async throws {
            let amount = try parseAmount(amount)
            let client = try await options.open()
            let mint = try client.mintModule()
            LogSetup.logger().warning("dev-issue: creating test e-cash; this only works in a dev-mode federation")
            let record = try await mint.await(try await mint.devIssue(amount))
            try StandardOutput.emit(OperationOutput(record: record))
            await client.backupAfterChange()
            if record.status == .failed { throw OperationFailed(record: record) }
        }
    }
}
