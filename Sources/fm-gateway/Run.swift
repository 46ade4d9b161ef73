import ArgumentParser
import FMCLI
import FMCore
import FMGateway
import Foundation

extension FMGatewayCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the gateway in the foreground until SIGTERM or SIGINT.",
            discussion: """
                Opens (or creates) DATA_DIR: gateway.sqlite (payments and receives), client/ (the gateway's mnemonic \
                and one database per federation), operator.token (0600). Once both listeners are up it writes \
                DATA_DIR/gateway.json {"api_port","operator_port","node_id","pid"}. Unfinished payments and receives \
                resume at once.

                Examples:
                  fm-gateway run --data-dir gw --lightning-rpc ln/lightning-rpc --api-url http://127.0.0.1:8175 --api-port 8175
                  fm-gateway run --data-dir gw --lightning-rpc ln/lightning-rpc --api-url https://gw.example.com --base-fee 2000 --fee-ppm 1000
                  fm-gateway run --data-dir gw --lightning-rpc ln/lightning-rpc --api-url https://gw.example.com --rate-burst 20 --max-open-invoices-per-client 10 --max-open-invoices-per-network 50
                """)

        @Option(help: ArgumentHelp("The gateway's data directory (created if missing).", valueName: "dir"))
        var dataDir: String

        @Option(help: ArgumentHelp("The Lightning node's Core Lightning JSON-RPC socket.", valueName: "path"))
        var lightningRpc: String

        @Option(help: ArgumentHelp("The public API's URL as users' clients reach it (announced to the federations).", valueName: "url"))
        var apiUrl: String

        @Option(help: ArgumentHelp("Address the public API binds.", valueName: "host"))
        var apiBind = "127.0.0.1"

        @Option(help: "Public API port (0: any free port).")
        var apiPort: Int = 0

        @Option(help: "Operator JSON-RPC port on 127.0.0.1 (0: any free port).")
        var operatorPort: Int = 0

        @Option(help: ArgumentHelp("Base fee per payment until the operator sets fees (msat).", valueName: "msat"))
        var baseFee: UInt64 = 1000

        @Option(help: ArgumentHelp("Proportional fee until the operator sets fees (parts per million).", valueName: "ppm"))
        var feePpm: UInt64 = 1000

        @Option(help: ArgumentHelp("Announcement TTL in seconds (refreshed at half of it).", valueName: "seconds"))
        var announceTtl: UInt64 = 600

        @Option(help: ArgumentHelp("Public API requests one client address may send at once, then --rate-per-second.", valueName: "n"))
        var rateBurst = GatewayLimits().requestBurst

        @Option(help: ArgumentHelp("Public API requests per second one client address may send after the burst.", valueName: "n"))
        var ratePerSecond = Int(GatewayLimits().requestsPerSecond)

        @Option(help: ArgumentHelp("Invoices from create_invoice one client (IPv4 address, IPv6 /64) may have open at once.", valueName: "n"))
        var maxOpenInvoicesPerClient = GatewayLimits().openInvoicesPerClient

        @Option(help: ArgumentHelp("Invoices from create_invoice the clients of one network (IPv4 /24, IPv6 /48) may have open at once.", valueName: "n"))
        var maxOpenInvoicesPerNetwork = GatewayLimits().openInvoicesPerNetwork

        func validate() throws {
            guard (0...65535).contains(apiPort) else { throw InvalidInput(field: "--api-port", expected: "a port from 0 to 65535") }
            guard (0...65535).contains(operatorPort) else { throw InvalidInput(field: "--operator-port", expected: "a port from 0 to 65535") }
            guard (60...86_400).contains(announceTtl) else { throw InvalidInput(field: "--announce-ttl", expected: "60 to 86400 seconds") }
            guard (1...100_000).contains(rateBurst) else { throw InvalidInput(field: "--rate-burst", expected: "1 to 100000") }
            guard (1...100_000).contains(ratePerSecond) else { throw InvalidInput(field: "--rate-per-second", expected: "1 to 100000") }
            guard (1...10_000).contains(maxOpenInvoicesPerClient) else {
                throw InvalidInput(field: "--max-open-invoices-per-client", expected: "1 to 10000")
            }
            guard (1...10_000).contains(maxOpenInvoicesPerNetwork) else {
                throw InvalidInput(field: "--max-open-invoices-per-network", expected: "1 to 10000")
            }
            guard feePpm <= 100_000 else { throw InvalidInput(field: "--fee-ppm", expected: "at most 100000") }
            guard URL(string: apiUrl)?.scheme != nil else { throw InvalidInput(field: "--api-url", expected: "a URL such as http://host:port") }
        }

        func run() async throws {
            let logger = LogSetup.logger()
            let directory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            let gateway = try await Gateway(
                configuration: .init(
                    dataDirectory: directory, lightningRPC: lightningRpc, apiURL: apiUrl, defaultFees: (baseFee, feePpm),
                    announcementTTL: announceTtl,
                    limits: GatewayLimits(
                        requestBurst: rateBurst, requestsPerSecond: Double(ratePerSecond), openInvoicesPerClient: maxOpenInvoicesPerClient,
                        openInvoicesPerNetwork: maxOpenInvoicesPerNetwork)),
                logger: logger)
            let token = try OperatorToken.loadOrCreate(dataDirectory: directory)
            try await GatewayServer(
                gateway: gateway, apiHost: apiBind, apiPort: apiPort, operatorHost: "127.0.0.1", operatorPort: operatorPort, token: token,
                logger: logger
            ).run()
        }
    }
}
