import ArgumentParser
import FMCLI
import FMClient
import FMCore
import FMMintClient

extension FMMint {
    struct Reissue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reissue",
            abstract: "Receive a note string: reissue its notes into this wallet at once.",
            discussion: """
                Validates the notes offline against the federation's keys, then spends them into fresh \
                notes of this client, so the sender can no longer spend them. Reads the string from the \
                argument, or from stdin when it is '-' or absent. Prints the operation with `fee_msat`, the \
                fees paid. Refuses (exit 1, nothing spent) when the fees would take all of the value, or more \
                than --max-fee.

                Examples:
                  fm-mint reissue fmnotes1...
                  fm-mint spend 50000 | jq -r .notes | ssh bob fm-mint reissue -
                  fm-mint spend 20000 | jq -r .notes | ssh bob fm-mint reissue --max-fee 10% - | jq .fee_msat
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("The note string, or '-' for stdin.", valueName: "notes"))
        var notes: String = "-"

        @Option(help: ArgumentHelp(
            "Refuse when the fees exceed this: an amount (500, 2sat) or a share of the value (1%, 0.5%).", valueName: "fee"))
        var maxFee: String?

        func run() async throws {
            let limit = try maxFee.map(FeeLimit.init(parsing:))
            let text = notes == "-" ? String(decoding: try StandardInput.readAll(field: "notes"), as: UTF8.self) : notes
            let parsed = try NoteString(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
            let client = try await options.open()
            let mint = try client.mintModule()
            let id = try await mint.reissue(parsed, maxFee: limit)
            let record = try await mint.await(id)
            try StandardOutput.emit(OperationOutput(record: record))
            await client.backupAfterChange()
            if record.status == .failed { throw OperationFailed(record: record) }
        }
    }
}
