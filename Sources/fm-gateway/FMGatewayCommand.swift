import ArgumentParser
import FMCLI

@main
struct FMGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-gateway",
        abstract: "A Lightning gateway between federations and one Lightning node.",
        discussion: """
            fm-gateway joins federations as an ordinary client with its own e-cash, announces itself to their \
            guardians, pays Lightning invoices for users against funded outgoing contracts and receives for them \
            with hold invoices and incoming contracts (docs/lightning.md, "Gateway"). It reaches its Lightning node \
            only through Core Lightning's JSON-RPC socket (--lightning-rpc). The operator's JSON-RPC listens on a \
            loopback address of its own, authenticated by DATA_DIR/operator.token (0600); `fm-gateway cli` calls it.

            Examples:
              fm-gateway run --data-dir gw --lightning-rpc ln/lightning-rpc --api-url http://127.0.0.1:8175 --api-port 8175 &
              fm-gateway cli --data-dir gw connect_fed invite=fed1...
              fm-gateway cli --data-dir gw balances
              fm-gateway cli --data-dir gw set_fees base_fee_msat=1000 fee_ppm=2000

            Exit codes: 0 ok, 1 failed, 2 bad input, 3 gateway unreachable.
            """,
        version: FMVersion.current,
        subcommands: [Run.self, CLI.self])

    static func main() async { await CommandRunner.main(Self.self) }
}
