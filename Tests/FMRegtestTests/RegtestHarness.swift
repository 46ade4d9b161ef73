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
    let daemon: RegtestDaemon
    let client: BitcoinCoreRPCClient
    var node: RegtestNode { daemon.node }

    /// - Parameter directory: reuse a data directory (restart); a fresh one by default.
    init(directory: URL? = nil) async throws {
        self.directory = try directory ?? ToolRunner.temporaryDirectory()
        daemon = try await RegtestDaemon.start(dataDirectory: self.directory.appendingPathComponent("node").path)
        client = try daemon.rpcConfig.makeClient()
    }

    /// Stops the server (the node's files stay for a restart).
    func stop() async { await daemon.stop() }

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
