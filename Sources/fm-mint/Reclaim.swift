import ArgumentParser
import FMCLI
import FMClient
import FMClientCore
import FMCore
import FMMintClient

extension FMMint {
    struct Reclaim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reclaim",
            abstract: "Take back an out-of-band spend the receiver has not redeemed, now.",
            discussion: """
                Reissues the spend's notes into this wallet (paying the reissue fee, `fee_msat`). If the \
                receiver redeemed them first, the federation refuses the reclaim: exit 1, `reclaim_status` \
                redeemed, nothing lost on either side. Exactly one of a receiver and a reclaim racing for the \
                same notes wins. Exits 3 when the federation cannot be reached (the reclaim stays under way \
                and the next command finishes it).

                Examples:
                  fm-mint reclaim 9c1e...e4 | jq .reclaimed_msat
                  fm-mint list --reclaimable | jq -r '.operations[].id' | xargs -r -n1 fm-mint reclaim
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("The spend's operation id (64 hex characters).", valueName: "operation-id"))
        var operationId: String

        struct Output: Encodable {
            var operationId: OperationID
            var reclaimStatus: String
            var reclaimOperationId: String?
            var reclaimedMsat: UInt64
            var feeMsat: UInt64
        }

        func run() async throws {
            let id = try OperationID(parsing: operationId)
            let client = try await options.open(resume: false)
            let mint = try client.mintModule()
            let spend = try await mint.reclaim(id)
            let status = spend.resultField("reclaim_status", as: String.self) ?? "unknown"
            let reclaimId = spend.resultField("reclaim_operation_id", as: String.self)
            var reclaimed: UInt64 = 0
            var fee: UInt64 = 0
            if status == MintSpend.ReclaimStatus.reclaimed.rawValue, let reclaimId,
                let record = try await client.operations.record(try OperationID(parsing: reclaimId))
            {
                reclaimed = record.resultField("issued_msat", as: UInt64.self) ?? 0
                fee = record.resultField("fee_msat", as: UInt64.self) ?? 0
            }
            try StandardOutput.emit(Output(
                operationId: id, reclaimStatus: status, reclaimOperationId: reclaimId, reclaimedMsat: reclaimed, feeMsat: fee))
            guard status == MintSpend.ReclaimStatus.reclaimed.rawValue else {
                throw ReclaimLost(id: id, status: status, failure: spend.resultField("reclaim_failure", as: String.self))
            }
        }
    }
}

/// A reclaim that did not bring the notes back: the receiver redeemed them first, or the federation refused.
struct ReclaimLost: ReportableError {
    let id: OperationID
    let status: String
    let failure: String?
    var category: FailureCategory { .failed }
    var code: String { status == "redeemed" ? "spend_redeemed" : "reclaim_failed" }
    var description: String {
        status == "redeemed"
            ? "spend \(id) was redeemed by the receiver before the reclaim: nothing to take back"
            : "spend \(id) was not reclaimed: \(failure ?? status)"
    }
}
