import ArgumentParser
import FMCLI
import FMClient

extension FMMint {
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the joined federation: id, guardians, threshold, modules (offline).",
            discussion: """
                Examples:
                  fm-mint info | jq '.peers[].api_url'
                  fm-mint info --federation 3f2a
                """)

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try StandardOutput.emit(FederationSummary(try await options.open(resume: false)))
        }
    }
}
