import FMTesting
import Foundation
import Testing

/// `fm-regtest run` as a daemon and `fm-regtest cli` against it, as a shell script would use them (port 18410).
@Suite(.serialized) struct FMRegtestToolTests {
    @Test func daemonServesTheCLIAndStopsCleanly() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDir = directory.appendingPathComponent("btc").path

        let (daemon, ready) = try Self.startDaemon(dataDir: dataDir)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(ready["rpc_url"] as? String == "http://127.0.0.1:18410")
        #expect(ready["chain"] as? String == "regtest")
        let cookie = try #require(ready["cookie_file"] as? String)
        let attributes = try FileManager.default.attributesOfItem(atPath: cookie)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: cookie)), as: UTF8.self).hasPrefix("__cookie__:"))

        func cli(_ arguments: String...) throws -> ToolRunner.Result {
            try ToolRunner.run("fm-regtest", ["cli", "--data-dir", dataDir] + arguments)
        }
        let address = try JSONSerialization.jsonObject(with: Data(try cli("getnewaddress").stdout.utf8), options: .fragmentsAllowed) as? String
        let hashes = try cli("generatetoaddress", "101", try #require(address))
        #expect(hashes.status == 0)
        #expect((try JSONSerialization.jsonObject(with: Data(hashes.stdout.utf8)) as? [String])?.count == 101)
        #expect(try cli("getbalance").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "50.00000000")
        let sent = try cli("sendtoaddress", try #require(address), "0.5")
        #expect(sent.status == 0, "\(sent.stderr)")
        // By URL and cookie, as against bitcoind.
        let mempool = try ToolRunner.run(
            "fm-regtest", ["cli", "--rpc-url", "http://127.0.0.1:18410", "--rpc-cookie", cookie, "getrawmempool"])
        #expect(mempool.stdout.contains(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        // An RPC error exits 1 with the code in the message; a bad parameter exits 2.
        let failed = try cli("getblockhash", "1000")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("-8") && failed.stderr.contains("Block height out of range"))
        #expect(try cli("getblockhash", "x").status == 2)

        #expect(try cli("stop").status == 0)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: cookie))
        // Not running any more: unreachable, exit 3.
        #expect(try ToolRunner.run(
            "fm-regtest", ["cli", "--rpc-url", "http://127.0.0.1:18410", "--rpc-user", "u", "--rpc-password", "p", "getblockcount"]
        ).status == 3)

        // A restart continues the chain (and keeps the unconfirmed payment); SIGTERM stops it cleanly.
        let (restarted, again) = try Self.startDaemon(dataDir: dataDir)
        defer { if restarted.isRunning { restarted.terminate() } }
        #expect(again["blocks"] as? Int == 101)
        #expect(try cli("getrawmempool").stdout.contains(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        restarted.terminate()
        restarted.waitUntilExit()
        #expect(restarted.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: cookie))
    }

    /// Starts `fm-regtest run` on port 18410 and returns it with its ready line.
    static func startDaemon(dataDir: String) throws -> (Process, [String: Any]) {
        let daemon = Process()
        daemon.executableURL = ToolRunner.binDirectory.appendingPathComponent("fm-regtest")
        daemon.arguments = ["run", "--data-dir", dataDir, "--rpc-port", "18410"]
        let out = Pipe()
        daemon.standardOutput = out
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        // The first stdout line says where the RPC server is.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let ready = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        return (daemon, ready)
    }
}
