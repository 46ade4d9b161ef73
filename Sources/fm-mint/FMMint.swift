import ArgumentParser
import FMCLI

@main
struct FMMint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-mint",
        abstract: "Hold, send and receive a federation's e-cash.",
        discussion: """
            A client of one or more federations. Its data directory (--data-dir, else $FM_CLIENT_DIR, else \
            ~/.fm-client) holds the BIP-39 mnemonic (mode 0600) and one SQLite database per federation. Every \
            operation is persisted with an operation id; a command killed halfway is resumed by the next \
            command or by `fm-mint await OPERATION_ID`.

            Examples:
              fm-mint join fed1qqqs...
              fm-mint dev-issue 100000          # dev-mode federations only, until peg-in
              fm-mint balance | jq .total_msat
              fm-mint spend 50000 | jq -r .notes | ssh bob fm-mint reissue -
              fm-mint list | jq -c '.operations[] | {id, kind, status}'

            Exit codes: 0 ok, 1 operation failed, 2 bad input, 3 federation unreachable or no quorum.
            """,
        version: FMVersion.current,
        // Each subcommand names itself (`commandName:`): otherwise ArgumentParser derives the name with
        // `String(describing: Self.self)` at every start, whose dynamic casts each scan every protocol conformance
        // record of the binary (≈ 8 % of `fm-mint balance --offline`, docs/benchmarks/cli-start.md).
        subcommands: [
            Join.self, Info.self, Meta.self, Keys.self, Balance.self, Spend.self, Reissue.self, Reclaim.self, Validate.self,
            Await.self, List.self, Backup.self, Recover.self, DevIssue.self,
        ])

    static func main() async { await CommandRunner.main(Self.self) }
}
