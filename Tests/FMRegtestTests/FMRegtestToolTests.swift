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

    /// `--mempool-min-fee` at start, `setmempoolminfee` and `submitpackage` through the CLI (JSON parameters), and
    /// the flag's bounds (exit 2 naming it).
    @Test func mempoolMinimumFromTheFlagAndTheCLI() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDir = directory.appendingPathComponent("btc").path
        let refused = try ToolRunner.run("fm-regtest", ["run", "--data-dir", dataDir, "--mempool-min-fee", "999"])
        #expect(refused.status == 2 && refused.stderr.contains("--mempool-min-fee"), "\(refused.stderr)")
        let started = try ToolRunner.run(
            "fm-regtest", ["run", "--data-dir", dataDir, "--rpc-port", "0", "--mempool-min-fee", "3000", "--daemon"])
        #expect(started.status == 0, "\(started.stderr)")
        defer { _ = try? ToolRunner.run("fm-regtest", ["cli", "--data-dir", dataDir, "stop"]) }
        func cli(_ arguments: String...) throws -> ToolRunner.Result {
            try ToolRunner.run("fm-regtest", ["cli", "--data-dir", dataDir] + arguments)
        }
        #expect(try cli("getmempoolinfo").json()["mempoolminfee"] as? Double == 0.00003)
        let address = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli("getnewaddress").stdout.utf8), options: .fragmentsAllowed) as? String)
        #expect(try cli("generatetoaddress", "101", address).status == 0)
        // The wallet pays 2 sat/vB: below 3 sat/vB it is refused by the mempool minimum.
        let low = try cli("sendtoaddress", address, "0.5")
        #expect(low.status == 1 && low.stderr.contains("mempool min fee not met"), "\(low.stderr)")
        let lowered = try cli("setmempoolminfee", "0.00001")
        #expect(lowered.status == 0, "\(lowered.stderr)")
        #expect(try lowered.json()["evicted"] as? [String] == [])
        #expect(try cli("sendtoaddress", address, "0.5").status == 0)
        // submitpackage's array parameter is parsed as JSON: an empty package is Core's -8.
        let empty = try cli("submitpackage", "[]")
        #expect(empty.status == 1 && empty.stderr.contains("between 1 and 25"), "\(empty.stderr)")
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

    /// `run --daemon` under a harness that waits for the command and reads its output to the end
    /// (ToolRunner, Foundation's `Process`): it returns once the node answers, and the background
    /// node holds none of the harness's descriptors, so nothing waits for it.
    @Test func daemonFlagReturnsWhenTheNodeAnswers() async throws {
        let directory = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDir = directory.appendingPathComponent("btc").path
        let started = try ToolRunner.run("fm-regtest", ["run", "--data-dir", dataDir, "--rpc-port", "0", "--daemon"])
        #expect(started.status == 0, "\(started.stderr)")
        let ready = try started.json()
        let pid = try #require(ready["pid"] as? Int)
        #expect(kill(pid_t(pid), 0) == 0)  // running
        #expect(try ToolRunner.run("fm-regtest", ["cli", "--data-dir", dataDir, "getblockcount"]).stdout == "0\n")
        // A second node on the same data directory's port fails and says why.
        let port = try #require((ready["rpc_url"] as? String)?.split(separator: ":").last.map(String.init))
        let clash = try ToolRunner.run("fm-regtest", ["run", "--data-dir", dataDir + "2", "--rpc-port", port, "--daemon"])
        #expect(clash.status == 1 && clash.stderr.contains("did not come up"))
        #expect(try ToolRunner.run("fm-regtest", ["cli", "--data-dir", dataDir, "stop"]).status == 0)
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(pid_t(pid), 0) != 0
            if !gone { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        #expect(gone)
        #expect(try String(contentsOfFile: dataDir + "/debug.log", encoding: .utf8).contains("fm-regtest stopped"))
    }
}
