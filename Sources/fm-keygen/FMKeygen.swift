import ArgumentParser
import FMCLI
import FMSetup

@main
struct FMKeygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-keygen",
        abstract: "Create a guardian's identity and print its setup code.",
        discussion: """
            Offline. Makes the guardian's consensus signing key (secp256k1, BIP-340) and its TLS key with a \
            self-signed certificate, seals both under a passphrase in DIR/identity.sealed.json (mode 0600), \
            and prints the public setup code as one JSON object on stdout. Every guardian sends its setup \
            code to the others; fm-dkg takes them all.

            Examples:
              FM_PASSPHRASE=correct-horse-battery fm-keygen --dir g0 --name alice | jq .
              fm-keygen --dir g1 --name bob --p2p-url fm://10.0.0.2:8173 --passphrase-file pass.txt > bob.json
              FM_PASSPHRASE=correct-horse-battery fm-keygen show --dir g0 | jq -r .consensus_public_key

            Exit codes: 0 ok, 1 failed, 2 bad input (nothing written).
            """,
        version: FMVersion.current,
        subcommands: [Generate.self, Show.self],
        defaultSubcommand: Generate.self)

    static func main() async { await CommandRunner.main(Self.self) }
}

extension FMKeygen {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new identity (the default subcommand).",
            usage: """
                FM_PASSPHRASE=... fm-keygen --dir DIR --name NAME [--p2p-url fm://HOST:PORT] [--api-url ws://HOST:PORT]
                """,
            discussion: """
                Examples:
                  FM_PASSPHRASE=correct-horse-battery fm-keygen --dir g0 --name alice | jq .
                  fm-keygen --dir g1 --name bob --p2p-url fm://10.0.0.2:8173 --api-url ws://10.0.0.2:8174 \\
                      --passphrase-file pass.txt | tee bob-setup.json
                """)

        @Option(help: ArgumentHelp("Directory for the identity (created with mode 0700).", valueName: "dir"))
        var dir: String

        @Option(help: "Guardian name: letters, digits, '-', '_', '.'.")
        var name: String

        @Option(help: ArgumentHelp("Where the other guardians reach this one.", valueName: "url"))
        var p2pUrl = "fm://127.0.0.1:8173"

        @Option(help: ArgumentHelp("Where clients reach this guardian's API.", valueName: "url"))
        var apiUrl = "ws://127.0.0.1:8174"

        @Flag(help: "Replace an existing identity in DIR (its keys are lost).")
        var force = false

        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let secret = try passphrase.resolve()
            let identity = try GuardianIdentity.generate(name: name, p2pUrl: p2pUrl, apiUrl: apiUrl)
            try IdentityStore(directory: dir).save(identity, passphrase: secret, overwrite: force)
            LogSetup.logger().info("sealed the identity of \(name) in \(dir) (mode 0600)")
            try StandardOutput.emit(identity.setupCode)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unseal an identity and print its setup code (checks the passphrase).",
            discussion: """
                Examples:
                  FM_PASSPHRASE=correct-horse-battery fm-keygen show --dir g0 | jq -r .consensus_public_key
                  fm-keygen show --dir g1 --passphrase-file pass.txt > g1-setup.json
                """)

        @Option(help: ArgumentHelp("Directory holding the identity.", valueName: "dir"))
        var dir: String

        @OptionGroup var passphrase: PassphraseOptions

        func run() async throws {
            let identity = try IdentityStore(directory: dir).load(passphrase: try passphrase.resolve())
            try StandardOutput.emit(identity.setupCode)
        }
    }
}
