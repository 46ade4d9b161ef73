import ArgumentParser
import FMCLI

@main
struct FMRegtestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-regtest",
        abstract: "A regtest bitcoin node speaking Bitcoin Core's JSON-RPC, for tests and the demo.",
        discussion: """
            fm-regtest keeps a real regtest chain (proof of work, UTXO set, mempool, coinbase maturity, fees, \
            P2WPKH and P2WSH-multisig script checks) in a data directory, with a built-in wallet. Where \
            production uses bitcoind, fm-regtest is a drop-in for tests and the demo (docs/regtest.md).

            Examples:
              fm-regtest run --data-dir btc --rpc-port 18443 >btc.log 2>&1 &
              fm-regtest cli --data-dir btc --rpc-wait generatetoaddress 101 "$(fm-regtest cli --data-dir btc --rpc-wait getnewaddress | jq -r .)"
              fm-regtest cli --data-dir btc sendtoaddress "$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)" 0.001
              fm-regtest cli --data-dir btc getbalance
              fm-regtest cli --data-dir btc stop

            Exit codes: 0 ok, 1 failed (the node answered with an error), 2 bad input, 3 node unreachable.
            """,
        version: FMVersion.current,
        subcommands: [Run.self, CLI.self])

    static func main() async { await CommandRunner.main(Self.self) }
}
