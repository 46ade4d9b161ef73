import ArgumentParser
import FMCLI
import FMClient
import FMClientCore

extension FMMint {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the client's operations, newest first (offline).",
            discussion: """
                Examples:
                  fm-mint list | jq -c '.operations[] | {id, kind, status}'
                  fm-mint list --running | jq -r '.operations[].id'
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Only operations that have not ended.")
        var running = false

        struct Output: Encodable {
            var operations: [OperationRecord]
        }

        func run() async throws {
            let client = try await options.open(resume: false)
            let operations = running ? try await client.operations.running() : try await client.operations.list()
            try StandardOutput.emit(Output(operations: operations))
        }
    }
}
