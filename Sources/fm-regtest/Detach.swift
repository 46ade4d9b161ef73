import FMBitcoinRPC
import FMCLI
import FMCore
import Foundation

/// `fm-regtest run --daemon` (``DetachedDaemon``): ready once `rpc.json` names a node whose RPC answers.
enum Detach {
    /// Tells the child it is the detached daemon.
    static let childVariable = "FM_REGTEST_DETACHED"

    static func start(arguments: [String], dataDir: String) async throws {
        let dataDir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let rpcJSON = (dataDir as NSString).appendingPathComponent("rpc.json")
        let failure = try await DetachedDaemon.start(
            arguments: arguments, directory: dataDir, childVariable: childVariable, staleFile: rpcJSON
        ) { pid in
            guard let data = FileManager.default.contents(atPath: rpcJSON),
                let config = try? JSONConventions.decode(BitcoinRPCConfig.self, from: data, what: rpcJSON),
                let blocks = try? await config.makeClient().getBlockCount(),
                case .cookieFile(let cookie)? = try? config.auth()
            else { return false }
            try StandardOutput.emit(FMRegtestCommand.Ready(
                rpcUrl: config.url, cookieFile: cookie, dataDir: dataDir, chain: "regtest", blocks: blocks, pid: pid))
            return true
        }
        if let failure { throw FMRegtestCommand.RunFailure(reason: failure) }
    }
}
