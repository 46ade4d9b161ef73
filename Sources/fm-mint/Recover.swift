import ArgumentParser
import FMCLI
import FMClient
import FMCore
import Foundation

extension FMMint {
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recover",
            abstract: "Restore a wallet from its mnemonic alone, into a fresh data directory.",
            discussion: """
                Stores the mnemonic, joins the invite's federation (config from t guardians), fetches the newest \
                snapshot of this mnemonic from the guardians (one that verifies and decrypts under the mnemonic's \
                keys; others are refused), then scans the federation's issuance log after the snapshot (all of \
                it without one, or with --no-snapshot) for the notes this mnemonic created: pages checked against \
                digests t guardians agree on, signature shares fetched in bulk and batch-verified, spent notes \
                dropped, derivation indices moved past the notes found so that new notes never reuse a secret. \
                A progress line (items per second, items left) goes to stderr. Reads the mnemonic from \
                --mnemonic-file, or from stdin when that is '-' or absent. The data directory must not hold \
                another mnemonic nor have joined this federation.

                Examples:
                  fm-mint recover --data-dir restored --mnemonic-file words.txt fed1qqqs...
                  fm-mint backup --show-mnemonic | jq -r .mnemonic | fm-mint recover --data-dir copy fed1qqqs...
                  fm-mint recover --no-snapshot --data-dir full --mnemonic-file words.txt fed1qqqs...
                """)

        @OptionGroup var options: ClientOptions

        @Option(help: ArgumentHelp("File holding the BIP-39 mnemonic words, or '-' for stdin.", valueName: "file"))
        var mnemonicFile: String = "-"

        @Flag(help: "Ignore the guardians' snapshots and scan the whole history.")
        var noSnapshot = false

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
            var snapshot: FederationClient.SnapshotUsed?
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
            let progress = ProgressLine()
            let recovery = try await FederationClient.recover(
                invite: invite, mnemonic: mnemonic, directory: options.directory, modules: ClientModules.all,
                useSnapshot: !noSnapshot, progress: { progress.update($0) })
            progress.finish()
            try StandardOutput.emit(Output(
                federationId: recovery.client.config.federationId,
                balanceMsat: try await recovery.client.balance().msats, snapshot: recovery.snapshot,
                modules: recovery.modules.map { Output.Module(instance: $0.instance, kind: $0.kind, recovered: $0.summary) }))
        }
    }
}
