import FMCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `run --daemon` of the regtest nodes: starts this same executable again without `--daemon` as a detached
/// background process (SIGHUP ignored, stdin /dev/null, output appended to DIR/debug.log, no inherited
/// descriptors) and waits until it answers.
public enum DetachedDaemon {
    /// Starts the daemon with `childVariable=1` in its environment and polls `ready` (given the child's pid) every
    /// 50 ms until it returns true; `staleFile` (the node's RPC file) is removed first, so a dead node never looks
    /// ready. Returns `nil` when the node did not come up in time (it is terminated), with the log's last lines.
    public static func start(
        arguments: [String], directory: String, childVariable: String, staleFile: String, timeoutSeconds: Double = 60,
        ready: (Int32) async throws -> Bool
    ) async throws -> String? {
        try AtomicFile.createPrivateDirectory(directory)
        try? FileManager.default.removeItem(atPath: staleFile)
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
            if try await ready(child.processIdentifier) { return nil }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        if child.isRunning { child.terminate() }
        let tail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " | ") ?? ""
        return "the background node did not come up (see \(logPath)): \(tail)"
    }

    /// In the detached child (`childVariable` set): ignore SIGHUP and close every descriptor above stderr that is
    /// not close-on-exec, i.e. inherited from the starter (a test harness's pipes, Foundation `Process`'s
    /// child-monitoring socket), so that whoever waits for the starter's output does not wait for the daemon.
    public static func detachIfChild(_ childVariable: String) {
        guard ProcessInfo.processInfo.environment[childVariable] == "1" else { return }
        signal(SIGHUP, SIG_IGN)
        let limit = min(Int(sysconf(Int32(_SC_OPEN_MAX))), 65536)
        guard limit > 3 else { return }
        for descriptor in 3..<Int32(limit) {
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0, flags & FD_CLOEXEC == 0 else { continue }
            _ = close(descriptor)
        }
    }
}
