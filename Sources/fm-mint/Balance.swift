import ArgumentParser
import FMCLI
import FMClient
import FMCore

extension FMMint {
    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the spendable e-cash balance in msat.",
            discussion: """
                Resumes unfinished operations first (so notes being issued are counted once they are), \
                then reads the balance from the client database.

                Examples:
                  fm-mint balance | jq .balance_msat
                  fm-mint balance --offline
                """)

        @OptionGroup var options: ClientOptions

        @Flag(help: "Do not resume unfinished operations (no network).")
        var offline = false

        struct Output: Encodable {
            var federationId: FederationID
            var balanceMsat: Amount
        }

        func run() async throws {
            let client = try await options.open(resume: !offline)
            try StandardOutput.emit(Output(federationId: client.config.federationId, balanceMsat: try await client.balance()))
        }
    }
}
