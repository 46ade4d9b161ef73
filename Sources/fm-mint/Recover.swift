import ArgumentParser
import FMCLI
import FMClient
import FMCore
import Foundation

extension FMMint {
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a wallet from its mnemonic alone, into a fresh data directory.",
            discussion: """
                Stores the mnemonic, joins the invite's federation (config from t guardians), then scans the \
                federation's issuance log for the notes this mnemonic created: every note's signature shares \
                are fetched again and checked, spent notes are dropped, and the derivation indices are moved \
                past the notes found so that new notes never reuse a secret. Reads the mnemonic from \
                --mnemonic-file, or from stdin when that is '-' or absent. The data directory must not hold \
                another mnemonic nor have joined this federation.

                Examples:
                  fm-mint recover --data-dir restored --mnemonic-file words.txt fed1qqqs...
                  fm-mint backup --show-mnemonic | jq -r .mnemonic | fm-mint recover --data-dir copy fed1qqqs...
                """)

        @OptionGroup var options: ClientOptions

        @Option(help: ArgumentHelp("File holding the BIP-39 mnemonic words, or '-' for stdin.", valueName: "file"))
        var mnemonicFile: String = "-"

        @Argument(help: ArgumentHelp("The invite code (fed1...).", valueName: "invite-code"))
        var inviteCode: String

        struct Output: Encodable {
            struct Module: Encodable {
                var instance: ModuleInstanceID
                var kind: ModuleKind
                var recovered: JSONValue
            }

            var federationId: FederationID
            var balanceMsat: UInt64
            var modules: [Module]
        }

        func run() async throws {
            let invite = try InviteCode(parsing: inviteCode)
            let words: String
            if mnemonicFile == "-" {
                words = String(decoding: try StandardInput.readAll(limit: 4096, field: "mnemonic"), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: mnemonicFile) else {
                    throw InvalidInput(field: "--mnemonic-file", expected: "a readable file holding the mnemonic words")
                }
                words = String(decoding: data, as: UTF8.self)
            }
            let mnemonic = try Mnemonic(phrase: words.trimmingCharacters(in: .whitespacesAndNewlines))
            LogSetup.logger().info("recovering: scanning the federation's issuance log")
            let recovery = try await FederationClient.recover(
                invite: invite, mnemonic: mnemonic, directory: options.directory, modules: ClientModules.all)
            try StandardOutput.emit(Output(
                federationId: recovery.client.config.federationId,
                balanceMsat: try await recovery.client.balance().msats,
                modules: recovery.modules.map { Output.Module(instance: $0.instance, kind: $0.kind, recovered: $0.summary) }))
        }
    }
}
