import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMMintClient

extension FMMint {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the client's operations, newest first (offline).",
            discussion: """
                A spend made with a reclaim time shows where it stands in its result: `reclaim_status` is \
                outstanding (the receiver may still redeem it), reclaiming, reclaimed, redeemed (by the \
                receiver) or reclaim_failed; --reclaimable lists only the spends still out.

                Examples:
                  fm-mint list | jq -c '.operations[] | {id, kind, status}'
                  fm-mint list --running | jq -r '.operations[].id'
                  fm-mint list --reclaimable | jq -c '.operations[] | {id, amount: .result.amount_msat}'
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Only operations that have not ended.")
        var running = false

        @Flag(help: "Only out-of-band spends not yet redeemed nor reclaimed (fm-mint reclaim takes them back).")
        var reclaimable = false

        struct Output: Encodable {
            var operations: [OperationRecord]
        }

        func run() async throws {
            let client = try await options.open(resume: false)
            var operations = running ? try await client.operations.running() : try await client.operations.list()
            if reclaimable {
                operations = operations.filter { record in
                    record.kind == MintSpend.kind
                        && MintOutstandingSpends.reclaimableStatuses.contains(record.resultField("reclaim_status", as: String.self) ?? "")
                }
            }
            try StandardOutput.emit(Output(operations: operations))
        }
    }
}
