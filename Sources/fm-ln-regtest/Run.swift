import ArgumentParser
import FMBitcoinRPC
import FMCLI
import FMCore
import FMLightningRegtest
import Foundation
import Logging

extension FMLnRegtestCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a node in the foreground until SIGTERM, SIGINT or the stop RPC.",
            discussion: """
                Opens (or creates) DIR/node.key and DIR/wallet.seed (0600), DIR/lightning.sqlite and the RPC socket \
                DIR/lightning-rpc, listens for peers on --bind-addr:--port (0: any free port) and prints one JSON line \
                when the RPC answers:
                  {"id":"02…","lightning_dir":"DIR","port":9735,"rpc_file":"DIR/lightning-rpc"}
                The bitcoin node is fm-regtest's --bitcoin-dir (its rpc.json) or --bitcoind-url with credentials. \
                With --daemon it runs in the background (log in DIR/debug.log) and returns once the RPC answers.

                Examples:
                  fm-regtest run --data-dir btc --rpc-port 0 --daemon > /dev/null
                  fm-ln-regtest run --lightning-dir bob --bitcoin-dir btc --port 0 --daemon | jq -r .id
                  fm-ln-regtest cli --lightning-dir bob stop
                  fm-regtest cli --data-dir btc stop
                """)

        @Option(help: ArgumentHelp("The node's directory (created if missing).", valueName: "dir"))
        var lightningDir: String

        @Option(help: ArgumentHelp("Data directory of the fm-regtest node to follow (reads DIR/rpc.json).", valueName: "dir"))
        var bitcoinDir: String?

        @OptionGroup var bitcoind: BitcoindOptions

        @Option(help: ArgumentHelp("Address the peer port binds.", valueName: "host"))
        var bindAddr = "127.0.0.1"

        @Option(help: "Peer port (0: any free port).")
        var port: Int = 0

        @Option(help: "The node's alias in getinfo.")
        var alias: String?

        @Option(help: "Confirmations before a new channel is usable.")
        var fundingConfirms: Int = 3

        @Flag(help: "Start in the background and return once the RPC answers, printing the same line (plus pid).")
        var daemon = false

        func validate() throws {
            guard (0...65535).contains(port) else { throw InvalidInput(field: "--port", expected: "a port from 0 to 65535") }
            guard (1...100).contains(fundingConfirms) else { throw InvalidInput(field: "--funding-confirms", expected: "1 to 100") }
            guard (bitcoinDir == nil) != (bitcoind.bitcoindUrl == nil && ProcessInfo.processInfo.environment["FM_BITCOIND_URL"] == nil) else {
                throw InvalidInput(field: "--bitcoin-dir", expected: "either --bitcoin-dir or --bitcoind-url")
            }
            let socket = (lightningDir as NSString).appendingPathComponent("lightning-rpc")
            guard socket.utf8.count < 104 else { throw InvalidInput(field: "--lightning-dir", expected: "a path short enough for a unix socket (\(socket))") }
        }

        func run() async throws {
            let directory = URL(fileURLWithPath: lightningDir).standardizedFileURL.path
            let rpcFile = (directory as NSString).appendingPathComponent("lightning-rpc")
            if daemon {
                return try await DaemonStart.start(arguments: CommandLine.arguments, directory: directory, rpcFile: rpcFile)
            }
            DetachedDaemon.detachIfChild(DaemonStart.childVariable)
            let bitcoin = try bitcoinConfig()
            let logger = LogSetup.logger()
            let node: LightningNode
            do {
                node = try LightningNode(
                    configuration: .init(
                        directory: directory, bitcoin: bitcoin, peerHost: bindAddr, peerPort: port, alias: alias,
                        fundingConfirmations: fundingConfirms),
                    logger: logger)
            } catch {
                throw RunFailure(reason: "cannot open \(directory): \(error)")
            }
            let stop = StopSignal()
            let methods = LightningRPCMethods(node: node, directory: directory, onStop: { stop.fire() })
            let nodeID = node.id.hex
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await node.run { _ in } }
                tasks.addTask {
                    // The RPC comes up once the node listens, so the ready line has the peer port.
                    while await node.peerPort == 0 { try await Task.sleep(nanoseconds: 20_000_000) }
                    let peerPort = await node.peerPort
                    try await LightningRPCServer.run(socketPath: rpcFile, methods: methods, logger: logger) {
                        try? StandardOutput.emit(Ready(id: nodeID, lightningDir: directory, port: peerPort, rpcFile: rpcFile, pid: nil))
                        logger.info("fm-ln-regtest ready", metadata: ["id": "\(nodeID)", "port": "\(peerPort)"])
                    }
                }
                tasks.addTask {
                    await stop.wait()
                    // Let the stop reply go out. Every state change is already committed: exiting here loses nothing.
                    try? await Task.sleep(nanoseconds: 100_000_000)
                }
                tasks.addTask { await StopSignal.terminationSignal() }
                _ = try await tasks.next()
                try? FileManager.default.removeItem(atPath: rpcFile)
                logger.info("fm-ln-regtest stopped")
                Foundation.exit(0)
            }
        }

        private func bitcoinConfig() throws -> BitcoinRPCConfig {
            if let bitcoinDir {
                let path = (bitcoinDir as NSString).appendingPathComponent("rpc.json")
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw InvalidInput(field: "--bitcoin-dir", expected: "the data directory of a running fm-regtest (no \(path))")
                }
                return try JSONConventions.decode(BitcoinRPCConfig.self, from: data, what: path)
            }
            guard let config = try bitcoind.rpcConfig() else { throw InvalidInput(field: "--bitcoind-url", expected: "a URL") }
            return config
        }
    }

    struct Ready: Codable {
        var id: String
        var lightningDir: String
        var port: Int
        var rpcFile: String
        var pid: Int32?
    }

    struct RunFailure: ReportableError {
        let reason: String
        var category: FailureCategory { .failed }
        var code: String { "ln_regtest_start_failed" }
        var description: String { reason }
    }
}

/// The `stop` RPC's request to end the process, and SIGTERM/SIGINT.
final class StopSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    func fire() { continuation.yield() }

    func wait() async {
        for await _ in stream { return }
    }

    static func terminationSignal() async {
        let signals = AsyncStream<Void> { continuation in
            let sources = [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield() }
                source.resume()
                return source
            }
            // Dispatch sources are thread-safe; the closure only keeps them alive and cancels them.
            nonisolated(unsafe) let retained = sources
            continuation.onTermination = { _ in retained.forEach { $0.cancel() } }
        }
        for await _ in signals { return }
    }
}
