import ArgumentParser
import FMCLI
import FMClient

extension FMMint {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "info",
            abstract: "Show the joined federation: id, guardians, threshold, modules, mint fees and keys (offline).",
            discussion: """
                `mint.fees` is the fee schedule (msat per note redeemed and per note issued); `mint.keys` \
                the mint's public keys, as `fm-mint keys` prints them. `name`, `welcome_message` and `meta` are \
                the federation meta accepted last (at join or by `fm-mint meta`).

                Examples:
                  fm-mint info | jq '.peers[].api_url'
                  fm-mint info | jq .mint.fees
                  fm-mint info --federation 3f2a
                """)

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let client = try await options.open(resume: false)
            try StandardOutput.emit(FederationSummary(client, meta: try await client.storedMeta()))
        }
    }
}
