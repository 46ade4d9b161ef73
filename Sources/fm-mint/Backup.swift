import ArgumentParser
import FMCLI
import FMClient
import FMCore

extension FMMint {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Show what restores this client (the mnemonic with --show-mnemonic); upload a snapshot with --upload.",
            discussion: """
                Everything the client holds derives from the BIP-39 mnemonic; with it and an invite code, \
                `fm-mint recover` restores the notes from the federation's signed history. Without \
                --show-mnemonic only the word count and where the file is are printed.

                Each command that changes the balance also uploads an encrypted snapshot of the wallet to every \
                guardian (key derived from the mnemonic; guardians see only its size bucket), so that recovery \
                starts from it and scans only the history after it. --upload forces one now (it fails while an \
                operation is still running: run `fm-mint await` first).

                Examples:
                  fm-mint backup
                  fm-mint backup --show-mnemonic | jq -r .mnemonic   # write it on paper; anyone with it can spend
                  fm-mint backup --upload | jq .upload.stored_by
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Print the mnemonic words. Anyone who sees them can spend this client's e-cash.")
        var showMnemonic = false

        @Flag(help: "Upload an encrypted snapshot of the selected federation's wallet to every guardian now.")
        var upload = false

        struct Output: Encodable {
            var mnemonicFile: String
            var wordCount: Int
            var mnemonic: String?
            var federations: [FederationID]
            var upload: FederationClient.BackupUpload?
        }

        func run() async throws {
            let directory = options.directory
            guard let mnemonic = try directory.loadMnemonic() else { throw ClientDirectoryError.noMnemonic(directory.mnemonicPath) }
            let uploaded = upload ? try await options.open(resume: true).uploadBackup(force: true) : nil
            try StandardOutput.emit(Output(
                mnemonicFile: directory.mnemonicPath, wordCount: mnemonic.words.count,
                mnemonic: showMnemonic ? mnemonic.phrase : nil, federations: directory.joinedFederations(), upload: uploaded))
        }
    }
}
