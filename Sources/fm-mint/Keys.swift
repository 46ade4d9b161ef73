import ArgumentParser
import FMCLI
import FMClient
import FMCore
import FMMintClient

extension FMMint {
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Print what an independent verifier needs to check this federation's notes (offline).",
            discussion: """
                The scheme, the hash-to-curve domain tag, the encoding, and per denomination the mint's \
                aggregate public key (what a note verifies against) and each guardian's key share (what its \
                signature shares verify against). A note (denomination, nonce, signature) is valid when \
                e(signature, G2 generator) = e(hash_to_G1(nonce, DST), aggregate key); docs/protocol.md \
                checks one in a few lines of Python.

                Examples:
                  fm-mint keys | jq -r '.denominations[] | select(.amount_msat == 1024) | .aggregate_public_key'
                  fm-mint keys > federation-keys.json
                """)

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let client = try await options.open(resume: false)
            try StandardOutput.emit(MintKeys(federationId: client.config.federationId, config: try client.mintModule().config))
        }
    }
}

