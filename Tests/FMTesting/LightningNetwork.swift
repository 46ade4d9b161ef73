import Foundation

/// fm-regtest and fm-ln-regtest nodes as processes in a temporary directory, driven through their CLIs.
public final class LightningNetwork: @unchecked Sendable {
    public struct Node {
        public let name: String
        public let directory: String
        public var id: String
        public var port: Int
        public var pid: Int32
    }

    public enum Failure: Error, CustomStringConvertible {
        case command(String)
        public var description: String { switch self { case .command(let text): text } }
    }

    public let root: URL
    public var bitcoinDirectory: String { root.appendingPathComponent("btc").path }
    private var pids: [Int32] = []
    public var nodes: [String: Node] = [:]

    public init() throws {
        root = try ToolRunner.temporaryDirectory()
        let ready = try Self.json(ToolRunner.run("fm-regtest", ["run", "--data-dir", bitcoinDirectory, "--rpc-port", "0", "--daemon"]))
        if let pid = ready["pid"] as? Int { pids.append(Int32(pid)) }
        _ = try bitcoin("generatetoaddress", "101", try bitcoinAddress())
    }

    deinit {
        for pid in pids { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: root)
    }

    public static func json(_ result: ToolRunner.Result) throws -> [String: Any] {
        guard result.status == 0 else { throw Failure.command("exit \(result.status): \(result.stderr) \(result.stdout)") }
        return try result.json()
    }

    // MARK: bitcoin

    @discardableResult
    public func bitcoin(_ arguments: String...) throws -> String {
        let result = try ToolRunner.run("fm-regtest", ["cli", "--data-dir", bitcoinDirectory] + arguments)
        guard result.status == 0 else { throw Failure.command("fm-regtest \(arguments): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func bitcoinAddress() throws -> String { try bitcoin("getnewaddress").trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }

    public func mine(_ blocks: Int) throws { try bitcoin("generatetoaddress", "\(blocks)", try bitcoinAddress()) }

    // MARK: lightning

    @discardableResult
    public func start(_ name: String, port: Int = 0) throws -> Node {
        let directory = root.appendingPathComponent(name).path
        let ready = try Self.json(ToolRunner.run(
            "fm-ln-regtest",
            ["run", "--lightning-dir", directory, "--bitcoin-dir", bitcoinDirectory, "--port", "\(port)", "--funding-confirms", "3", "--daemon"]))
        let node = Node(
            name: name, directory: directory, id: ready["id"] as? String ?? "", port: ready["port"] as? Int ?? 0,
            pid: Int32(ready["pid"] as? Int ?? 0))
        pids.append(node.pid)
        nodes[name] = node
        return node
    }

    public func kill9(_ name: String) throws {
        guard let node = nodes[name] else { return }
        kill(node.pid, SIGKILL)
        // Wait until the process is gone (its socket stops answering).
        for _ in 0..<100 where isUp(name) { Thread.sleep(forTimeInterval: 0.05) }
    }

    public func stop(_ name: String) throws {
        _ = try cliResult(name, "stop")
        for _ in 0..<100 where isUp(name) { Thread.sleep(forTimeInterval: 0.05) }
    }

    public func cliResult(_ name: String, _ arguments: String...) throws -> ToolRunner.Result { try cliResult(name, arguments) }

    public func cliResult(_ name: String, _ arguments: [String]) throws -> ToolRunner.Result {
        try ToolRunner.run("fm-ln-regtest", ["cli", "--lightning-dir", root.appendingPathComponent(name).path] + arguments)
    }

    /// Whether the node's RPC answers.
    public func isUp(_ name: String) -> Bool { (try? cliResult(name, "getinfo"))?.status == 0 }

    @discardableResult
    public func cli(_ name: String, _ arguments: String...) throws -> [String: Any] {
        let result = try cliResult(name, arguments)
        guard result.status == 0 else { throw Failure.command("\(name) \(arguments.first ?? ""): exit \(result.status): \(result.stderr)") }
        return try result.json()
    }

    /// The CLN error object `{"code","message"}` a failing call printed, with its exit status.
    public func cliError(_ name: String, _ arguments: String...) throws -> (status: Int32, code: Int, message: String) {
        let result = try cliResult(name, arguments)
        guard result.status != 0 else { throw Failure.command("\(name) \(arguments.first ?? "") succeeded: \(result.stdout)") }
        let object = (try? result.json()) ?? [:]
        return (result.status, object["code"] as? Int ?? 0, object["message"] as? String ?? result.stderr)
    }

    public func waitUntil(_ what: String, timeout: TimeInterval = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failure.command("timed out waiting for \(what)")
    }

    /// Sends `sats` on chain to a fresh address of the node and waits until its wallet sees the confirmed output.
    public func fundWallet(_ name: String, sats: Int) throws {
        guard let address = try cli(name, "newaddr")["bech32"] as? String else { throw Failure.command("no address") }
        let amount = String(format: "%d.%08d", sats / 100_000_000, sats % 100_000_000)
        try bitcoin("sendtoaddress", address, amount)
        try mine(1)
        try waitUntil("\(name)'s wallet to see \(sats) sat") {
            (try cli(name, "listfunds")["outputs"] as? [[String: Any]])?.contains { $0["amount_msat"] as? Int == sats * 1000 } == true
        }
    }

    public func connect(_ from: String, _ to: String) throws {
        guard let target = nodes[to] else { return }
        try cli(from, "connect", "\(target.id)@127.0.0.1:\(target.port)")
    }

    public func channels(_ name: String) throws -> [[String: Any]] {
        try cli(name, "listpeerchannels")["channels"] as? [[String: Any]] ?? []
    }

    /// Each node's balance in every channel (channel id → node → to_us_msat) and the channels' capacities.
    public func balances() throws -> (byChannel: [String: [String: Int]], capacity: [String: Int]) {
        var byChannel: [String: [String: Int]] = [:]
        var capacity: [String: Int] = [:]
        for name in nodes.keys.sorted() where isUp(name) {
            for channel in try channels(name) {
                guard let id = channel["channel_id"] as? String else { continue }
                byChannel[id, default: [:]][name] = channel["to_us_msat"] as? Int
                capacity[id] = channel["total_msat"] as? Int
            }
        }
        return (byChannel, capacity)
    }

    /// The invariant: in every channel, the two ends' balances add up to its capacity (no HTLC pending).
    public func checkInvariant() throws -> Bool {
        let (byChannel, capacity) = try balances()
        return byChannel.allSatisfy { id, ends in ends.count == 2 && ends.values.reduce(0, +) == capacity[id] }
    }

    public func toUs(_ name: String, peer: String) throws -> Int {
        let peerID = nodes[peer]?.id
        return try channels(name).first { $0["peer_id"] as? String == peerID }?["to_us_msat"] as? Int ?? -1
    }
}
