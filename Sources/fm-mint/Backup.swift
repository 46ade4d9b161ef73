import ArgumentParser
import FMCLI
import FMClient
import FMCore

extension FMMint {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what restores this client: the mnemonic (only with --show-mnemonic).",
            discussion: """
                Everything the client holds derives from the BIP-39 mnemonic; with it and an invite code, \
                `fm-mint recover` restores the notes from the federation's signed history. Without \
                --show-mnemonic only the word count and where the file is are printed.

                Examples:
                  fm-mint backup
                  fm-mint backup --show-mnemonic | jq -r .mnemonic   # write it on paper; anyone with it can spend
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Print the mnemonic words. Anyone who sees them can spend this client's e-cash.")
        var showMnemonic = false

        struct Output: Encodable {
            var mnemonicFile: String
            var wordCount: Int
            var mnemonic: String?
            var federations: [FederationID]
        }

        func run() async throws {
            let directory = options.directory
            guard let mnemonic = try directory.loadMnemonic() else { throw ClientDirectoryError.noMnemonic(directory.mnemonicPath) }
            try StandardOutput.emit(Output(
                mnemonicFile: directory.mnemonicPath, wordCount: mnemonic.words.count,
                mnemonic: showMnemonic ? mnemonic.phrase : nil, federations: directory.joinedFederations()))
        }
    }
}
