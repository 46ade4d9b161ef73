import FMCLI
import FMCore
import Foundation

/// `fm-ln-regtest run --daemon` (``DetachedDaemon``): ready once its RPC socket answers `getinfo`.
enum DaemonStart {
    static let childVariable = "FM_LN_REGTEST_DETACHED"

    static func start(arguments: [String], directory: String, rpcFile: String) async throws {
        let failure = try await DetachedDaemon.start(
            arguments: arguments, directory: directory, childVariable: childVariable, staleFile: rpcFile
        ) { pid in
            guard FileManager.default.fileExists(atPath: rpcFile),
                case .success(.object(let info)) = await LightningSocket.call(path: rpcFile, method: "getinfo", params: .array([])),
                case .string(let id)? = info["id"],
                case .array(let bindings)? = info["binding"], case .object(let binding)? = bindings.first,
                let port = binding["port"].flatMap(Self.integer)
            else { return false }
            try StandardOutput.emit(FMLnRegtestCommand.Ready(id: id, lightningDir: directory, port: port, rpcFile: rpcFile, pid: pid))
            return true
        }
        if let failure { throw FMLnRegtestCommand.RunFailure(reason: failure) }
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let number): return Int(exactly: number)
        case .unsigned(let number): return Int(exactly: number)
        default: return nil
        }
    }
}
