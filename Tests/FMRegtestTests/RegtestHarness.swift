import FMBitcoin
import FMBitcoinRPC
import FMRegtest
import FMSecp256k1
import FMTesting
import Foundation
import Logging
import ServiceLifecycle

/// An fm-regtest node in a temporary directory, served over HTTP on a free port, and a
/// ``BitcoinCoreRPCClient`` logged in with its cookie.
final class RegtestHarness: Sendable {
    let directory: URL
    let node: RegtestNode
    let server: RegtestServer
    let client: BitcoinCoreRPCClient
    let url: String
    let cookiePath: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// - Parameters:
    ///   - directory: reuse a data directory (restart); a fresh one by default.
    ///   - port: a fixed port, or 0 for any free one.
    init(directory: URL? = nil, port: Int = 0, user: String? = nil, password: String? = nil, clock: (@Sendable () -> UInt32)? = nil) async throws {
        self.directory = try directory ?? ToolRunner.temporaryDirectory()
        let dataDirectory = self.directory.appendingPathComponent("node").path
        node = try clock.map { try RegtestNode(dataDirectory: dataDirectory, clock: $0) } ?? RegtestNode(dataDirectory: dataDirectory)
        cookiePath = self.directory.appendingPathComponent("node/.cookie").path
        let credentials = try RPCCredentials.writeCookie(at: cookiePath, user: user, password: password)
        let logger = Logger(label: "fm-regtest-test", factory: { _ in SwiftLogNoOpLogHandler() })
        server = RegtestServer(node: node, port: port, credentials: credentials, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)], logger: logger))
        self.group = group
        task = Task { try await group.run() }
        let bound = try await server.listeningPort()
        url = "http://127.0.0.1:\(bound)"
        client = try BitcoinCoreRPCClient(url: url, auth: .cookieFile(cookiePath))
    }

    /// Stops the server (the node's files stay for a restart).
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Stops and deletes the data directory.
    func destroy() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Builds and signs transactions the way an external wallet would (keys from a seeded RNG).
enum TestWallet {
    static func key(_ seed: UInt64) -> SecretKey {
        var rng = SeededRandom(seed: seed)
        return SecretKey(using: &rng)
    }

    static func p2wpkhAddress(_ key: SecretKey) -> String {
        try! SegwitAddress(scriptPubKey: .payToWitnessPublicKeyHash(key.publicKey), network: .regtest).string
    }

    /// Signs input `index` (spending a P2WPKH output of `amount` locked to `key`).
    static func signP2WPKH(_ transaction: inout FMBitcoin.Transaction, index: Int, key: SecretKey, amount: UInt64) throws {
        let publicKey = key.publicKey.compressed
        let sighash = transaction.segwitV0SignatureHash(
            inputIndex: index, scriptCode: .payToPublicKeyHash(hash160(publicKey)), amount: amount, sighashType: .all)
        transaction.inputs[index].witness = [try key.signECDSA(messageHash: sighash).derRepresentation + [0x01], publicKey]
    }

    /// The output of `txid` paying `script`, with its index and value.
    static func output(of transaction: FMBitcoin.Transaction, paying script: Script) -> (index: UInt32, value: UInt64)? {
        transaction.outputs.enumerated().first { $0.element.scriptPubKey == script }.map { (UInt32($0.offset), $0.element.value) }
    }
}
