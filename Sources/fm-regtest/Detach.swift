import FMBitcoinRPC
import FMCLI
import FMCore
import Foundation

/// `fm-regtest run --daemon`: starts the same command without `--daemon` as a detached background
/// process (own process group, SIGHUP ignored, stdin from /dev/null, stdout and stderr appended to
/// DIR/debug.log, no inherited descriptors), waits until its RPC server answers, prints the ready
/// line and returns.
enum Detach {
    /// Tells the child it is the detached daemon.
    static let childVariable = "FM_REGTEST_DETACHED"

    static func start(arguments: [String], dataDir: String, timeoutSeconds: Double = 60) async throws {
        let dataDir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        try AtomicFile.createPrivateDirectory(dataDir)
        let rpcJSON = (dataDir as NSString).appendingPathComponent("rpc.json")
        // A stale rpc.json would make a dead node look ready.
        try? FileManager.default.removeItem(atPath: rpcJSON)
        let logPath = (dataDir as NSString).appendingPathComponent("debug.log")
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()

        let child = Process()
        child.executableURL =
            FileManager.default.fileExists(atPath: "/proc/self/exe")
            ? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() : Bundle.main.executableURL
        child.arguments = Array(arguments.dropFirst()).filter { $0 != "--daemon" }
        var environment = ProcessInfo.processInfo.environment
        environment[childVariable] = "1"
        child.environment = environment
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = log
        child.standardError = log
        try child.run()

        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            guard child.isRunning else { break }
            if let data = FileManager.default.contents(atPath: rpcJSON),
                let config = try? JSONConventions.decode(BitcoinRPCConfig.self, from: data, what: rpcJSON),
                let blocks = try? await config.makeClient().getBlockCount(),
                case .cookieFile(let cookie)? = try? config.auth()
            {
                try StandardOutput.emit(FMRegtestCommand.Ready(
                    rpcUrl: config.url, cookieFile: cookie, dataDir: dataDir, chain: "regtest", blocks: blocks,
                    pid: child.processIdentifier))
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        if child.isRunning { child.terminate() }
        let tail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        throw FMRegtestCommand.RunFailure(reason: "the background node did not come up (see \(logPath)): \(tail)")
    }
}
