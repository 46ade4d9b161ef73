import ArgumentParser
import FMCLI

@main
struct FMLnRegtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-ln-regtest",
        abstract: "A regtest Lightning node speaking Core Lightning's JSON-RPC, for tests and the demo.",
        discussion: """
            Each fm-ln-regtest process is one Lightning node: a node key, an SQLite database, the RPC socket \
            DIR/lightning-rpc (Core Lightning's JSON-RPC) and a peer port. It follows an fm-regtest (or bitcoind) node \
            through Bitcoin Core's RPC, funds channels with real 2-of-2 P2WSH transactions and pays BOLT 11 invoices \
            over HTLCs hop by hop. Nodes talk to each other in fm-ln-regtest's own protocol (docs/lightning-regtest.md).

            Examples:
              fm-regtest run --data-dir btc --rpc-port 0 --daemon > /dev/null
              fm-ln-regtest run --lightning-dir alice --bitcoin-dir btc --daemon
              fm-ln-regtest cli --lightning-dir alice getinfo
              fm-ln-regtest cli --lightning-dir alice newaddr
              fm-ln-regtest cli --lightning-dir alice stop
              fm-regtest cli --data-dir btc stop

            Exit codes: 0 ok, 1 failed (the node answered with an error), 2 bad input, 3 node unreachable.
            """,
        version: FMVersion.current,
        subcommands: [Run.self, CLI.self])

    static func main() async { await CommandRunner.main(Self.self) }
}
