import FMCLI
import FMCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `run --daemon`: starts the same command without `--daemon` as a detached background process (SIGHUP ignored,
/// stdin /dev/null, output appended to DIR/debug.log, no inherited descriptors), waits until its RPC socket answers
/// `getinfo`, prints the ready line and returns.
enum DaemonStart {
    static let childVariable = "FM_LN_REGTEST_DETACHED"

    static func start(arguments: [String], directory: String, rpcFile: String, timeoutSeconds: Double = 60) async throws {
        try AtomicFile.createPrivateDirectory(directory)
        // A stale socket would make a dead node look ready.
        try? FileManager.default.removeItem(atPath: rpcFile)
        let logPath = (directory as NSString).appendingPathComponent("debug.log")
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
        while Date() < deadline, child.isRunning {
            if FileManager.default.fileExists(atPath: rpcFile),
                case .success(.object(let info)) = await LightningSocket.call(path: rpcFile, method: "getinfo", params: .array([])),
                case .string(let id)? = info["id"],
                case .array(let bindings)? = info["binding"], case .object(let binding)? = bindings.first,
                let port = binding["port"].flatMap(Self.integer)
            {
                try StandardOutput.emit(
                    FMLnRegtestCommand.Ready(id: id, lightningDir: directory, port: port, rpcFile: rpcFile, pid: child.processIdentifier))
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        if child.isRunning { child.terminate() }
        let tail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        throw FMLnRegtestCommand.RunFailure(reason: "the background node did not come up (see \(logPath)): \(tail)")
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let number): return Int(exactly: number)
        case .unsigned(let number): return Int(exactly: number)
        default: return nil
        }
    }

    /// Closes descriptors inherited from the starter (not close-on-exec), so harnesses waiting for the command's
    /// output do not wait for the daemon.
    static func closeInheritedDescriptors() {
        let limit = min(Int(sysconf(Int32(_SC_OPEN_MAX))), 65536)
        guard limit > 3 else { return }
        for descriptor in 3..<Int32(limit) {
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0, flags & FD_CLOEXEC == 0 else { continue }
            _ = Glibc.close(descriptor)
        }
    }
}
