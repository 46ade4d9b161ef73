import FMTesting
import Foundation
import Testing

/// A dev federation of real `fm-node` processes on loopback (the shape of examples/local-federation.sh), with
/// client data directories for `fm-mint`, for the e-cash end-to-end tests. Guardian i listens on
/// base + 2i (peers) and base + 2i + 1 (API). Every guardian still running is stopped on ``stop()``.
final class EcashFederation: @unchecked Sendable {
    let directory: URL
    let basePort: Int
    let peers: Int
    let invite: String
    private let environment: [Int: [String: String]]
    private let arguments: [Int: [String]]
    private let lock = NSLock()
    private var processes: [Int: Process] = [:]

    /// Deals the configs (`fm-node dealer --dev`) and starts every guardian; `environment` adds variables
    /// to one guardian's process (test faults), `arguments` options to its `fm-node run` (the dashboard's). Uses the first block of 2n free ports from `basePort` on,
    /// within this suite's range 18000–18199 (another checkout may be running the same tests).
    init(
        basePort preferred: Int, peers: Int = 4, environment: [Int: [String: String]] = [:],
        arguments: [Int: [String]] = [:]
    ) throws {
        let width = 2 * peers
        guard let basePort = stride(from: preferred, through: 18_200 - width, by: width + 2).first(where: { base in
            (base..<base + width).allSatisfy(Self.isFree)
        }) else { throw EcashFederationError("no \(width) free ports in 18000–18199") }
        directory = try ToolRunner.temporaryDirectory()
        self.basePort = basePort
        self.peers = peers
        self.environment = environment
        self.arguments = arguments
        let dealer = try ToolRunner.run("fm-node", [
            "dealer", "--peers", "\(peers)", "--dir", directory.appendingPathComponent("fed").path,
            "--base-port", "\(basePort)", "--dev",
        ])
        guard dealer.status == 0, let invite = try dealer.json()["invite_code"] as? String else {
            throw EcashFederationError("dealer failed: \(dealer.stderr)")
        }
        self.invite = invite
        for peer in 0..<peers { try start(peer) }
        for peer in 0..<peers { try waitUntilServing(peer) }
    }

    /// Whether a listener could bind 127.0.0.1:`port` now.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    func apiURL(_ peer: Int) -> String { "ws://127.0.0.1:\(basePort + 2 * peer + 1)/" }
    func rpcURL(_ peer: Int) -> URL { URL(string: "http://127.0.0.1:\(basePort + 2 * peer + 1)/rpc")! }

    /// Starts guardian `peer` from its config directory (and database, if it ran before).
    func start(_ peer: Int) throws {
        let process = Process()
        process.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-node")
        process.arguments = ["run", "--config-dir", directory.appendingPathComponent("fed/guardian-\(peer)").path]
            + (arguments[peer] ?? [])
        var env = ProcessInfo.processInfo.environment
        env["FM_LOG_LEVEL"] = "warning"
        for (key, value) in environment[peer] ?? [:] { env[key] = value }
        process.environment = env
        let log = directory.appendingPathComponent("guardian-\(peer).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        lock.withLock { processes[peer] = process }
    }

    /// The process id of guardian `peer`, while this harness runs it.
    func processID(_ peer: Int) -> Int32? { lock.withLock { processes[peer]?.processIdentifier } }

    /// Sends `signal` to guardian `peer` and waits until it is gone.
    func kill(_ peer: Int, signal: Int32) {
        guard let process = lock.withLock({ processes.removeValue(forKey: peer) }) else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Stops every guardian (SIGTERM) and removes the directory.
    func stop() {
        for peer in 0..<peers { kill(peer, signal: SIGTERM) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Waits (up to 60 s) until guardian `peer` answers `status`.
    func waitUntilServing(_ peer: Int) throws {
        for _ in 0..<300 {
            if (try? status(peer)) != nil { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw EcashFederationError("guardian \(peer) did not come up: \(log(peer))")
    }

    func status(_ peer: Int) throws -> [String: Any] {
        let result = try ToolRunner.run("fm-node", ["status", "--api", apiURL(peer)])
        guard result.status == 0 else { throw EcashFederationError("status of guardian \(peer): \(result.stderr)") }
        return try result.json()
    }

    func audit(_ peer: Int) throws -> [String: Any] {
        let result = try ToolRunner.run("fm-node", ["audit", "--api", apiURL(peer)])
        guard result.status == 0 else { throw EcashFederationError("audit of guardian \(peer): \(result.stderr)") }
        return try result.json()
    }

    func log(_ peer: Int) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("guardian-\(peer).log"), encoding: .utf8)) ?? ""
    }

    /// Runs `fm-mint ARGS --data-dir DIR/wallet`.
    func mint(_ wallet: String, _ arguments: [String], stdin: String? = nil) throws -> ToolRunner.Result {
        try ToolRunner.run(
            "fm-mint", arguments + ["--data-dir", directory.appendingPathComponent(wallet).path], stdin: stdin)
    }

    /// `fm-mint join` for each wallet.
    func join(_ wallets: String...) throws {
        for wallet in wallets {
            let result = try mint(wallet, ["join", invite])
            guard result.status == 0 else { throw EcashFederationError("\(wallet) could not join: \(result.stderr)") }
        }
    }

    func balance(_ wallet: String) throws -> Int {
        let result = try mint(wallet, ["balance"])
        guard result.status == 0, let balance = try result.json()["balance_msat"] as? Int else {
            throw EcashFederationError("balance of \(wallet): \(result.stderr)")
        }
        return balance
    }

    /// `fm-mint spend AMOUNT` → the note string.
    func spend(_ wallet: String, _ amount: Int) throws -> String {
        let result = try mint(wallet, ["spend", "\(amount)"])
        guard result.status == 0, let notes = try result.json()["notes"] as? String else {
            throw EcashFederationError("\(wallet) could not spend \(amount): \(result.stderr)")
        }
        return notes
    }
}

struct EcashFederationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
