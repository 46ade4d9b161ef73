import FMTesting
import Foundation

/// An `fm-regtest` node in the background (`run --daemon` on a free port) for process tests whose guardians follow a
/// chain. ``stop()`` ends it.
final class RegtestNode: Sendable {
    let directory: URL
    let rpcURL: String
    let cookie: String

    init(in directory: URL) throws {
        self.directory = directory
        let started = try ToolRunner.run(
            "fm-regtest", ["run", "--data-dir", directory.path, "--rpc-port", "0", "--daemon"],
            environment: ["FM_LOG_LEVEL": "warning"])
        guard started.status == 0, let line = started.stdout.split(separator: "\n").last,
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let url = json["rpc_url"] as? String, let cookie = json["cookie_file"] as? String
        else { throw EcashFederationError("fm-regtest did not start: \(started.stderr)") }
        rpcURL = url
        self.cookie = cookie
    }

    /// What a guardian needs to follow this node.
    var guardianEnvironment: [String: String] { ["FM_BITCOIND_URL": rpcURL, "FM_BITCOIND_COOKIE": cookie] }

    /// `fm-regtest cli` → its JSON result (a string result unquoted).
    @discardableResult
    func cli(_ arguments: String...) throws -> Any {
        let result = try ToolRunner.run("fm-regtest", ["cli", "--data-dir", directory.path] + arguments)
        guard result.status == 0 else { throw EcashFederationError("fm-regtest cli \(arguments): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed)
    }

    func newAddress() throws -> String {
        guard let address = try cli("getnewaddress") as? String else { throw EcashFederationError("no address") }
        return address
    }

    func mine(_ blocks: Int) throws { try cli("generatetoaddress", "\(blocks)", try newAddress()) }

    func inMempool(_ txid: String) throws -> Bool { ((try cli("getrawmempool")) as? [String])?.contains(txid) == true }

    func stop() { _ = try? ToolRunner.run("fm-regtest", ["cli", "--data-dir", directory.path, "stop"]) }
}
