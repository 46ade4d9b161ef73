import FMBitcoinRPC
import Foundation
import Logging
import ServiceLifecycle

/// An fm-regtest node and its RPC server running in this process: what tests of code that
/// talks to bitcoin start instead of a bitcoind. The cookie is written to `DATADIR/.cookie`.
///
/// ```swift
/// let bitcoin = try await RegtestDaemon.start(dataDirectory: dir)
/// let rpc = try bitcoin.rpcConfig.makeClient()     // a BitcoinCoreRPCClient, as for bitcoind
/// _ = try await rpc.generateToAddress(blocks: 101, address: try await rpc.getNewAddress())
/// await bitcoin.stop()
/// ```
public final class RegtestDaemon: Sendable {
    public let node: RegtestNode
    public let server: RegtestServer
    /// Where the server listens and the cookie file that logs in to it.
    public let rpcConfig: BitcoinRPCConfig
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(node: RegtestNode, server: RegtestServer, rpcConfig: BitcoinRPCConfig, group: ServiceGroup, task: Task<Void, any Error>) {
        self.node = node
        self.server = server
        self.rpcConfig = rpcConfig
        self.group = group
        self.task = task
    }

    /// Opens (or creates) the node in `dataDirectory` and serves it on `port` (0: any free port).
    public static func start(
        dataDirectory: String, host: String = "127.0.0.1", port: Int = 0, user: String? = nil, password: String? = nil,
        fallbackFeeRate: UInt64? = 1000, logger: Logger = Logger(label: "fm-regtest", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> RegtestDaemon {
        let node = try RegtestNode(dataDirectory: dataDirectory, fallbackFeeRate: fallbackFeeRate)
        let cookie = (dataDirectory as NSString).appendingPathComponent(".cookie")
        let credentials = try RPCCredentials.writeCookie(at: cookie, user: user, password: password)
        let server = RegtestServer(node: node, host: host, port: port, credentials: credentials, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)], logger: logger))
        let task = Task { try await group.run() }
        let bound: Int
        do { bound = try await server.listeningPort() } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
        let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(bound)"
        return RegtestDaemon(
            node: node, server: server, rpcConfig: BitcoinRPCConfig(url: url, auth: .cookieFile(cookie)), group: group, task: task)
    }

    /// Stops the server and waits for it; the data directory stays, so `start` again continues the chain.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        if case .cookieFile(let cookie)? = try? rpcConfig.auth() { try? FileManager.default.removeItem(atPath: cookie) }
    }
}
