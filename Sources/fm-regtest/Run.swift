import ArgumentParser
import FMBitcoinRPC
import FMCLI
import FMCore
import FMRegtest
import Foundation
import Logging
import ServiceLifecycle

extension FMRegtestCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the node in the foreground until SIGTERM, SIGINT or the stop RPC.",
            discussion: """
                Opens (or creates) DIR/regtest.sqlite and the wallet seed DIR/wallet.seed (0600), writes a fresh \
                RPC cookie DIR/.cookie (0600) and DIR/rpc.json (url and cookie file, the BitcoinRPCConfig other \
                fm tools read), then prints one JSON line when the RPC server is ready:
                  {"blocks":0,"chain":"regtest","cookie_file":"DIR/.cookie","data_dir":"DIR","rpc_url":"http://127.0.0.1:18443"}
                The chain continues where it stopped. --rpc-port 0 picks a free port (read it from the line). \
                With --daemon it runs in the background (log in DIR/debug.log) and the command returns once the \
                node answers; in the foreground, end it with SIGTERM/SIGINT or `fm-regtest cli --data-dir DIR stop`.

                Examples:
                  fm-regtest run --data-dir btc --rpc-port 18444 --daemon
                  fm-regtest cli --data-dir btc stop
                  fm-regtest run --data-dir btc2 --rpc-port 0 --rpc-user alice --rpc-password secret --daemon | jq -r .rpc_url
                  fm-regtest cli --rpc-url "$(jq -r .url btc2/rpc.json)" --rpc-user alice --rpc-password secret stop
                """)

        @Option(help: ArgumentHelp("Data directory (created if missing).", valueName: "dir"))
        var dataDir: String

        @Option(help: "RPC port (0: any free port).")
        var rpcPort: Int = 18443

        @Option(help: ArgumentHelp("Address the RPC server binds.", valueName: "host"))
        var rpcBind = "127.0.0.1"

        @Option(help: "Also accept this RPC user (with --rpc-password); the cookie always works.")
        var rpcUser: String?

        @Option(help: "Password for --rpc-user.")
        var rpcPassword: String?

        @Option(
            help: ArgumentHelp(
                "estimatesmartfee's answer (sat/kvB) while the last 10 blocks confirmed no transaction; "
                    + "0 answers \"Insufficient data\" like a fresh bitcoind.",
                valueName: "sat-per-kvb"))
        var fallbackFeeRate: UInt64 = 1000

        @Option(
            help: ArgumentHelp(
                "The mempool's minimum fee rate (sat/kvB, at least 1000, at most 10000000): below it a transaction is "
                    + "refused unless a package (submitpackage) pays for it; also settable with the setmempoolminfee RPC.",
                valueName: "sat-per-kvb"))
        var mempoolMinFee: UInt64 = 1000

        func validate() throws {
            guard (0...65535).contains(rpcPort) else { throw InvalidInput(field: "--rpc-port", expected: "a port from 0 to 65535") }
            guard (RegtestParameters.minimumRelayFeeRate...RegtestParameters.defaultMaximumFeeRate).contains(mempoolMinFee) else {
                throw InvalidInput(field: "--mempool-min-fee", expected: "a fee rate from 1000 to 10000000 sat/kvB")
            }
            guard (rpcUser == nil) == (rpcPassword == nil) else {
                throw InvalidInput(field: "--rpc-password", expected: "--rpc-user and --rpc-password together")
            }
        }

        @Flag(help: "Start in the background and return once the node answers, printing the same line (plus pid); its log goes to DIR/debug.log.")
        var daemon = false

        func run() async throws {
            if daemon { return try await Detach.start(arguments: CommandLine.arguments, dataDir: dataDir) }
            // The detached daemon: outlive the terminal, hold nothing of the starter's.
            DetachedDaemon.detachIfChild(Detach.childVariable)
            let logger = LogSetup.logger()
            // Absolute, so that rpc.json and the ready line work from any directory.
            let dataDir = URL(fileURLWithPath: self.dataDir).standardizedFileURL.path
            let node: RegtestNode
            do {
                node = try RegtestNode(
                    dataDirectory: dataDir, fallbackFeeRate: fallbackFeeRate == 0 ? nil : fallbackFeeRate,
                    mempoolMinimumFeeRate: mempoolMinFee)
            } catch let error as any ReportableError {
                throw error
            } catch {
                throw RunFailure(reason: "cannot open \(dataDir): \(error)")
            }
            let cookiePath = (dataDir as NSString).appendingPathComponent(".cookie")
            let credentials = try RPCCredentials.writeCookie(at: cookiePath, user: rpcUser, password: rpcPassword)
            defer { try? FileManager.default.removeItem(atPath: cookiePath) }
            let server = RegtestServer(node: node, host: rpcBind, port: rpcPort, credentials: credentials, logger: logger)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    let port = try await server.listeningPort()
                    let host = rpcBind.contains(":") ? "[\(rpcBind)]" : rpcBind
                    let url = "http://\(host):\(port)"
                    let config = BitcoinRPCConfig(url: url, auth: .cookieFile(cookiePath))
                    try AtomicFile.write(
                        Array(try JSONConventions.line(config).utf8),
                        to: (dataDir as NSString).appendingPathComponent("rpc.json"), mode: AtomicFile.secretMode)
                    try StandardOutput.emit(Ready(
                        rpcUrl: url, cookieFile: cookiePath, dataDir: dataDir, chain: "regtest", blocks: await node.getBlockCount()))
                    logger.info("fm-regtest ready", metadata: ["rpc": "\(url)", "data_dir": "\(dataDir)"])
                }
                try await tasks.waitForAll()
            }
            logger.info("fm-regtest stopped")
        }
    }

    struct Ready: Codable {
        var rpcUrl: String
        var cookieFile: String
        var dataDir: String
        var chain: String
        var blocks: Int
        /// Set by `run --daemon`: the background node's process id.
        var pid: Int32?
    }

    struct RunFailure: ReportableError {
        let reason: String
        var category: FailureCategory { .failed }
        var code: String { "regtest_start_failed" }
        var description: String { reason }
    }
}
