import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore

extension FMMint {
    struct Await: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "await",
            abstract: "Drive an operation to its end (resuming it after a crash) and print it.",
            discussion: """
                Exits 0 when the operation succeeded, 1 when it failed, 3 when the federation cannot be reached \
                (the operation stays resumable). Mint operations show the fees they paid (`fee_msat`). Then \
                reclaims the out-of-band spends whose reclaim time has passed (see `fm-mint spend`).

                Examples:
                  fm-mint await 9c1e...e4 | jq .result
                  fm-mint list --running | jq -r '.operations[].id' | xargs -r -n1 fm-mint await
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("The operation id (64 hex characters).", valueName: "operation-id"))
        var operationId: String

        func run() async throws {
            let id = try OperationID(parsing: operationId)
            let client = try await options.open(resume: false)
            let record = try await client.awaitOperation(id)
            await client.reclaimDueAndLog()
            try StandardOutput.emit(OperationOutput(record: record))
            await client.backupAfterChange()
            if record.status == .failed { throw OperationFailed(record: record) }
        }
    }
}

/// An operation that ended in failure: exit 1 after printing its record.
struct OperationFailed: ReportableError {
    let record: OperationRecord
    var category: FailureCategory { .failed }
    var code: String { "operation_failed" }
    var description: String { "operation \(record.id) (\(record.kind)) failed: \(record.failure ?? "no reason recorded")" }
}
