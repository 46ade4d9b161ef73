import Foundation

/// The processes `fm-bench ln` measures, started the way examples/lib/lightning-federation.sh starts them but with
/// four guardians: fm-regtest (RPC on base), fm-ln-regtest nodes `gw` (the gateway's) and `out` (outside the
/// federation; peer ports base+1, base+2) with a 400,000 sat channel each way, four `fm-node run` guardians of a dev
/// federation (peers and APIs on base+3 … base+10), fm-gateway on `gw` (public API base+11; 2000 msat + 10,000 ppm)
/// with an e-cash float, and alice's wallet holding dev-issued e-cash. Every binary comes from `binDirectory`.
/// TEST/DEV ONLY: the dealer knows every secret and --dev lets anyone issue e-cash.
final class LightningBenchmarkNetwork: @unchecked Sendable {
    let directory: URL
    let binDirectory: URL
    let basePort: Int
    private var processes: [Process] = []

    init(binDirectory: URL, basePort: Int) throws {
        self.binDirectory = binDirectory
        self.basePort = basePort
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-bench-ln-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    var gatewayAPI: String { "http://127.0.0.1:\(basePort + 11)" }

    /// Starts everything; returns once alice's wallet lists the gateway.
    func start(aliceMsat: UInt64, floatMsat: UInt64) throws {
        try check("fm-regtest", ["run", "--data-dir", path("btc"), "--rpc-port", "\(basePort)", "--daemon"])
        try mine(101)
        var ids: [String: String] = [:]
        for (index, node) in ["gw", "out"].enumerated() {
            let ready = try check(
                "fm-ln-regtest",
                ["run", "--lightning-dir", path(node), "--bitcoin-dir", path("btc"), "--port", "\(basePort + 1 + index)", "--daemon"],
                environment: ["FM_BITCOIND_URL": nil, "FM_BITCOIND_COOKIE": nil])
            guard let id = try Self.object(ready)["id"] as? String else { throw BenchmarkSetupError("fm-ln-regtest \(node): no id") }
            ids[node] = id
        }
        for node in ["gw", "out"] {
            guard let address = try Self.object(try ln(node, ["newaddr"]))["bech32"] as? String else {
                throw BenchmarkSetupError("newaddr \(node)")
            }
            try check("fm-regtest", ["cli", "--data-dir", path("btc"), "sendtoaddress", address, "0.01"])
        }
        try mine(1)
        try waitUntil("the Lightning nodes see their funds") {
            try ["gw", "out"].allSatisfy { ((try Self.object(try self.ln($0, ["listfunds"]))["outputs"] as? [Any])?.count ?? 0) > 0 }
        }
        try ln("gw", ["connect", "\(ids["out"]!)@127.0.0.1:\(basePort + 2)"])
        try ln("gw", ["fundchannel", ids["out"]!, "400000"])
        try ln("out", ["fundchannel", ids["gw"]!, "400000"])
        try mine(3)
        try waitUntil("both channels to be CHANNELD_NORMAL") {
            try ["gw", "out"].allSatisfy { node in
                let channels = try Self.object(try self.ln(node, ["listpeerchannels"]))["channels"] as? [[String: Any]] ?? []
                return channels.count == 2 && channels.allSatisfy { $0["state"] as? String == "CHANNELD_NORMAL" }
            }
        }

        let dealt = try Self.object(try check("fm-node", [
            "dealer", "--peers", "4", "--dir", path("fed"), "--base-port", "\(basePort + 3)", "--dev",
        ]))
        guard let invite = dealt["invite_code"] as? String, let federation = dealt["federation_id"] as? String else {
            throw BenchmarkSetupError("fm-node dealer printed no invite code")
        }
        for peer in 0..<4 { try spawn("fm-node", ["run", "--config-dir", path("fed/guardian-\(peer)")], log: "guardian-\(peer).log") }
        for peer in 0..<4 {
            try waitUntil("guardian \(peer) to serve") {
                try self.run("fm-node", ["status", "--api", "ws://127.0.0.1:\(self.basePort + 4 + 2 * peer)/"]).status == 0
            }
        }
        try check("fm-mint", ["join", invite, "--data-dir", path("alice")])
        try check("fm-mint", ["dev-issue", "\(aliceMsat + floatMsat)", "--data-dir", path("alice")])
        guard let float = try Self.object(try check("fm-mint", ["spend", "\(floatMsat)", "--data-dir", path("alice")]))["notes"] as? String
        else { throw BenchmarkSetupError("fm-mint spend printed no notes") }

        try spawn("fm-gateway", [
            "run", "--data-dir", path("gateway"), "--lightning-rpc", path("gw/lightning-rpc"), "--api-url", gatewayAPI,
            "--api-port", "\(basePort + 11)", "--base-fee", "2000", "--fee-ppm", "10000",
        ], log: "gateway.log")
        try waitUntil("the gateway to listen") { FileManager.default.fileExists(atPath: self.path("gateway/gateway.json")) }
        try check("fm-gateway", ["cli", "--data-dir", path("gateway"), "connect_fed", "invite=\(invite)"])
        try check("fm-gateway", ["cli", "--data-dir", path("gateway"), "deposit", "federation_id=\(federation)", "notes=\(float)"])
        try waitUntil("alice to see the gateway") {
            let listed = try Self.object(try self.check("fm-ln-pay", ["gateways", "--data-dir", self.path("alice")]))
            return ((listed["gateways"] as? [Any])?.count ?? 0) > 0
        }
    }

    /// Stops every process this network started and removes its directory.
    func stop() {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        for node in ["gw", "out"] { _ = try? run("fm-ln-regtest", ["cli", "--lightning-dir", path(node), "stop"]) }
        _ = try? run("fm-regtest", ["cli", "--data-dir", path("btc"), "stop"])
        // The daemons may still write while they shut down (a removal then leaves a partial tree): try again.
        for _ in 0..<50 where FileManager.default.fileExists(atPath: directory.path) {
            try? FileManager.default.removeItem(at: directory)
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    func mine(_ blocks: Int) throws {
        guard let address = Self.string(try check("fm-regtest", ["cli", "--data-dir", path("btc"), "getnewaddress"]))
        else { throw BenchmarkSetupError("getnewaddress") }
        try check("fm-regtest", ["cli", "--data-dir", path("btc"), "generatetoaddress", "\(blocks)", address])
    }

    @discardableResult
    func ln(_ node: String, _ arguments: [String]) throws -> String {
        try check("fm-ln-regtest", ["cli", "--lightning-dir", path(node)] + arguments)
    }

    // MARK: Processes

    /// A started process of tool `name` (stderr to `log` in the directory; stdout discarded), stopped by ``stop()``.
    @discardableResult
    func spawn(_ name: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["FM_LOG_LEVEL"] = "warning"
        process.environment = environment
        _ = FileManager.default.createFile(atPath: path(log), contents: nil)
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent(log))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
        return process
    }

    /// Runs tool `name` to its end: exit status, stdout and stderr.
    func run(
        _ name: String, _ arguments: [String], environment overrides: [String: String?] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in overrides { environment[key] = value }
        process.environment = environment
        let errors = directory.appendingPathComponent("last-stderr-\(UUID().uuidString.prefix(8))")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), stderr)
    }

    /// ``run(_:_:environment:)`` that throws unless the tool exits 0; its stdout.
    @discardableResult
    func check(_ name: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> String {
        let result = try run(name, arguments, environment: environment)
        guard result.status == 0 else {
            throw BenchmarkSetupError("\(name) \(arguments.prefix(2).joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    func waitUntil(_ what: String, attempts: Int = 300, _ condition: () throws -> Bool) throws {
        for _ in 0..<attempts {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw BenchmarkSetupError("timed out waiting for \(what) (logs in \(directory.path))")
    }

    /// The JSON object `text` holds.
    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any] else {
            throw BenchmarkSetupError("not a JSON object: \(text.prefix(200))")
        }
        return object
    }

    /// The JSON string `text` holds.
    static func string(_ text: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) as? String
    }
}
