import ArgumentParser
import FMCLI
import FMClient
import FMCore
import FMMintClient

extension FMMint {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a note string against the federation's public keys (offline, batch-verified).",
            discussion: """
                Says whether every note carries a valid federation signature; it cannot tell whether a \
                note was already spent (only the federation knows). Exit 0 when valid, 1 when not.

                Examples:
                  fm-mint validate fmnotes1...
                  jq -r .notes spend.json | fm-mint validate -
                """)

        @OptionGroup var options: ClientOptions

        @Argument(help: ArgumentHelp("The note string, or '-' for stdin.", valueName: "notes"))
        var notes: String = "-"

        struct Output: Encodable {
            var valid: Bool
            var federationId: FederationID
            var totalMsat: Amount
            var noteCount: Int
            var invalidNotes: [Int]
        }

        func run() async throws {
            let text = notes == "-" ? String(decoding: try StandardInput.readAll(field: "notes"), as: UTF8.self) : notes
            let parsed = try NoteString(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
            let client = try await options.open(resume: false)
            let mint = try client.mintModule()
            let invalid = try parsed.invalidNotes(federationId: client.config.federationId, config: mint.config)
            try StandardOutput.emit(Output(
                valid: invalid.isEmpty, federationId: parsed.federationId, totalMsat: parsed.total,
                noteCount: parsed.notes.count, invalidNotes: invalid))
            if !invalid.isEmpty { throw MintClientError.invalidNotes(invalid) }
        }
    }
}
