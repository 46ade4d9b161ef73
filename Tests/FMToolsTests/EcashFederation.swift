import FMCore
import FMPostgres
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
    private(set) var invite: String
    private var environment: [Int: [String: String]]
    private var arguments: [Int: [String]]
    private let placement: Placement?
    /// The guardians that keep their state in PostgreSQL (``init(basePort:peers:environment:arguments:everyGuardian:placement:dealerArguments:postgres:)``).
    private var postgres: [Int: (server: TestPostgres, url: PostgresURL)]
    private let lock = NSLock()
    private var processes: [Int: Process] = [:]

    /// Where guardians run when not all on 127.0.0.1 (e.g. one network namespace each): guardian i listens on
    /// `hosts[i]` and is started through `launcher(i)` (a command prefix such as `ip netns exec NS`). The dealt
    /// configs are rewritten to these addresses before any guardian starts (which changes the federation id, so
    /// the invite code is rebuilt from guardian 0's status).
    struct Placement {
        let hosts: [String]
        let launcher: @Sendable (Int) -> [String]
    }

    /// Deals the configs (`fm-node dealer --dev`) and starts every guardian; `environment` adds variables
    /// to one guardian's process (test faults), `everyGuardian` to all of them, `arguments` options to one guardian's
    /// `fm-node run` (the dashboard's), `dealerArguments` options to `fm-node dealer` (a passphrase file that seals
    /// the private configs). Uses the first block of 2n free ports from `basePort` on, within this suite's
    /// range 18000–18199 (another checkout may be running the same tests). The guardians in `postgres` run with
    /// `--database` on a fresh database each of that test server (password in a 0600 file).
    init(
        basePort preferred: Int, peers: Int = 4, environment: [Int: [String: String]] = [:],
        arguments: [Int: [String]] = [:], everyGuardian: [String: String] = [:], placement: Placement? = nil,
        dealerArguments: [String] = [], postgres: (server: TestPostgres, guardians: Set<Int>)? = nil
    ) throws {
        let width = 2 * peers
        guard let basePort = stride(from: preferred, through: 18_200 - width, by: width + 2).first(where: { base in
            (base..<base + width).allSatisfy(Self.isFree)
        }) else { throw EcashFederationError("no \(width) free ports in 18000–18199") }
        directory = try ToolRunner.temporaryDirectory()
        self.basePort = basePort
        self.peers = peers
        self.environment = Dictionary(uniqueKeysWithValues: (0..<peers).map { peer in
            (peer, everyGuardian.merging(environment[peer] ?? [:]) { _, own in own })
        })
        var arguments = arguments
        var databases: [Int: (server: TestPostgres, url: PostgresURL)] = [:]
        if let postgres {
            let passwordFile = directory.appendingPathComponent("postgres.password")
            FileManager.default.createFile(
                atPath: passwordFile.path, contents: Data((postgres.server.password ?? "").utf8), attributes: [.posixPermissions: 0o600])
            for peer in postgres.guardians.sorted() {
                let url = try postgres.server.newDatabase()
                databases[peer] = (postgres.server, url)
                arguments[peer, default: []] += ["--database", postgres.server.commandLine(url)]
                    + (postgres.server.password == nil ? [] : ["--database-password-file", passwordFile.path])
            }
        }
        self.postgres = databases
        self.arguments = arguments
        self.placement = placement
        let dealer = try ToolRunner.run("fm-node", [
            "dealer", "--peers", "\(peers)", "--dir", directory.appendingPathComponent("fed").path,
            "--base-port", "\(basePort)", "--dev",
        ] + dealerArguments)
        guard dealer.status == 0, let invite = try dealer.json()["invite_code"] as? String else {
            throw EcashFederationError("dealer failed: \(dealer.stderr)")
        }
        self.invite = invite
        if let placement { try relocate(placement) }
        for peer in 0..<peers { try start(peer) }
        for peer in 0..<peers { try waitUntilServing(peer) }
        if placement != nil {
            let status = try status(0)
            guard let id = status["federation_id"] as? String, let bytes = Hex.decode(id), let hash = Hash256(bytes: bytes)
            else { throw EcashFederationError("no federation id in \(status)") }
            self.invite = InviteCode(federationId: FederationID(hash), peer: PeerID(0), apiUrl: apiURL(0)).description
        }
    }

    /// Rewrites every guardian's configs from 127.0.0.1 to the placement's hosts (same ports).
    private func relocate(_ placement: Placement) throws {
        for guardian in 0..<peers {
            let folder = directory.appendingPathComponent("fed/guardian-\(guardian)")
            for file in ["consensus.json", "client.json", "local.json"] {
                let url = folder.appendingPathComponent(file)
                var text = try String(contentsOf: url, encoding: .utf8)
                for peer in 0..<peers {
                    for port in [basePort + 2 * peer, basePort + 2 * peer + 1] {
                        text = text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "\(placement.hosts[peer]):\(port)")
                    }
                }
                if file == "local.json" {
                    text = text.replacingOccurrences(of: "\"127.0.0.1\"", with: "\"\(placement.hosts[guardian])\"")
                }
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }
    }

    private func host(_ peer: Int) -> String { placement?.hosts[peer] ?? "127.0.0.1" }

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

    func apiURL(_ peer: Int) -> String { "ws://\(host(peer)):\(basePort + 2 * peer + 1)/" }
    func rpcURL(_ peer: Int) -> URL { URL(string: "http://\(host(peer)):\(basePort + 2 * peer + 1)/rpc")! }

    /// Starts guardian `peer` from its config directory (and database, if it ran before).
    func start(_ peer: Int) throws {
        let process = Process()
        let node = ToolRunner.binDirectory.appendingPathComponent("fm-node").path
        let command = (placement?.launcher(peer) ?? []) + [
            node, "run", "--config-dir", directory.appendingPathComponent("fed/guardian-\(peer)").path,
        ] + lock.withLock { arguments[peer] ?? [] }
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["FM_LOG_LEVEL"] = "warning"
        for (key, value) in lock.withLock({ environment[peer] ?? [:] }) { env[key] = value }
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

    /// The process id of guardian `peer` while it runs.
    /// Replaces the variables guardian `peer` gets on its next ``start(_:)`` (another build of it, a fault switched off).
    func setEnvironment(_ peer: Int, _ variables: [String: String]) { lock.withLock { environment[peer] = variables } }

    /// Guardian `peer` keeps its state in `url` from its next ``start(_:)`` on (after `fm-node migrate-db`).
    func movedToPostgres(_ peer: Int, server: TestPostgres, url: PostgresURL, passwordFile: URL) {
        lock.withLock {
            arguments[peer, default: []] += ["--database", server.commandLine(url), "--database-password-file", passwordFile.path]
            postgres[peer] = (server, url)
        }
    }

    func processID(_ peer: Int) -> Int32? { lock.withLock { processes[peer]?.processIdentifier } }

    /// Whether guardian `peer` was started and not stopped since.
    func isRunning(_ peer: Int) -> Bool { lock.withLock { processes[peer] != nil } }

    /// Sends `signal` to guardian `peer` and waits until it is gone.
    func kill(_ peer: Int, signal: Int32) {
        guard let process = lock.withLock({ processes.removeValue(forKey: peer) }) else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Waits up to `timeout` seconds for guardian `peer` to exit by itself; its exit status, or nil if it still runs.
    func waitForExit(_ peer: Int, timeout: Double) -> Int32? {
        guard let process = lock.withLock({ processes[peer] }) else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        guard !process.isRunning else { return nil }
        lock.withLock { _ = processes.removeValue(forKey: peer) }
        return process.terminationStatus
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

    /// Guardian `peer`'s state digest after block `height` (lowercase hex), read from its database while it runs
    /// (a WAL reader does not disturb the guardian; psql for a guardian on PostgreSQL); nil if it has not applied that
    /// block.
    func stateDigest(_ peer: Int, at height: Int) throws -> String? {
        if let (server, url) = lock.withLock({ postgres[peer] }) {
            let digest = try server.query(
                "SELECT encode(digest, 'hex') FROM server_state_digests WHERE height = \(height)", database: url.database)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return digest.isEmpty ? nil : digest
        }
        let database = directory.appendingPathComponent("fed/guardian-\(peer)/guardian.sqlite").path
        let script = """
            import sqlite3, sys
            row = sqlite3.connect(sys.argv[1], timeout=20).execute(
                "SELECT hex(digest) FROM server_state_digests WHERE height = ?", (int(sys.argv[2]),)).fetchone()
            print(row[0].lower() if row else "")
            """
        let result = try ToolRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, database, "\(height)"])
        guard result.status == 0 else { throw EcashFederationError("digest of guardian \(peer): \(result.stderr)") }
        let digest = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return digest.isEmpty ? nil : digest
    }

    /// Waits (up to `timeout` seconds) until every guardian in `guardians` has applied block `height` or later, then
    /// returns the highest block all have applied and each one's state digest there. Also returns each guardian's
    /// count of digest mismatches it saw reported (the federation's own cross-check; 0 when healthy).
    func digests(
        reaching height: Int, of guardians: [Int]? = nil, timeout: Double = 90
    ) throws -> (height: Int, digests: [Int: String], mismatches: [Int: Int]) {
        let guardians = guardians ?? Array(0..<peers)
        let deadline = Date().addingTimeInterval(timeout)
        var heights: [Int: Int] = [:]
        var mismatches: [Int: Int] = [:]
        repeat {
            for peer in guardians {
                guard let digest = (try? status(peer))?["state_digest"] as? [String: Any] else { continue }
                heights[peer] = digest["height"] as? Int
                mismatches[peer] = digest["mismatch_count"] as? Int
            }
            if heights.count == guardians.count, heights.values.allSatisfy({ $0 >= height }) { break }
            Thread.sleep(forTimeInterval: 0.3)
        } while Date() < deadline
        guard heights.count == guardians.count, let common = heights.values.min(), common >= height else {
            throw EcashFederationError("guardians did not all reach block \(height): \(heights)")
        }
        var digests: [Int: String] = [:]
        for peer in guardians { digests[peer] = try stateDigest(peer, at: common) }
        return (common, digests, mismatches)
    }

    /// `fm-mint list --running` of `wallet`: the ids of its operations that have not ended.
    func runningOperations(_ wallet: String) throws -> [String] {
        let result = try mint(wallet, ["list", "--running"])
        guard result.status == 0, let operations = try result.json()["operations"] as? [[String: Any]] else {
            throw EcashFederationError("operations of \(wallet): \(result.stderr)")
        }
        return operations.compactMap { $0["id"] as? String }
    }

    /// Runs `fm-mint ARGS --data-dir DIR/wallet`.
    func mint(_ wallet: String, _ arguments: [String], stdin: String? = nil) throws -> ToolRunner.Result {
        try client("fm-mint", wallet, arguments, stdin: stdin)
    }

    /// Runs a client command (`fm-mint`, `fm-pegin`, `fm-pegout`) with `--data-dir DIR/wallet`.
    /// `timeout` (seconds) bounds commands that wait on the chain (`coreutils timeout`; exit 124 when it fires).
    func client(
        _ tool: String, _ wallet: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        timeout: Int? = nil
    ) throws -> ToolRunner.Result {
        let arguments = arguments + ["--data-dir", directory.appendingPathComponent(wallet).path]
        guard let timeout else { return try ToolRunner.run(tool, arguments, environment: environment, stdin: stdin) }
        return try ToolRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            ["timeout", "\(timeout)", ToolRunner.binDirectory.appendingPathComponent(tool).path] + arguments,
            environment: environment, stdin: stdin)
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
