import FMTesting
import Foundation
import Testing

/// The examples in every command's `--help` are real: they are parsed out of the help text and run.
///
/// - Every executable `Sources/fm-*` is picked up, and every subcommand its `--help` lists (recursively).
///   A tool must have an entry in ``tools`` saying how its examples run; a new tool without one fails here with
///   a message saying so (add it next to the others).
/// - Examples are the lines indented by two spaces after a line `Example:` or `Examples:` in the help text (a line
///   ending in `\` continues on the next). Each page's examples run in order, under `bash -o pipefail`, in a fresh
///   working directory, with this build's commands first on `PATH`; each must exit 0.
/// - Placeholders a reader fills in are replaced as the table ``placeholders`` says (invite code, note string,
///   operation id, `ssh bob`, the ports of the examples). An example still containing `...` after that fails.
/// - Pages that need a federation get one: a 1-guardian dev federation started by this test (peer port 19100,
///   API 19101; `fm-node dealer` examples write configs for ports from 19110), following a regtest node (fm-regtest,
///   RPC port 19120) that the peg-in and peg-out examples use as ./btc. `fm-node run` examples are run as
///   a daemon: started, waited for until its API answers, stopped with SIGTERM, and must exit 0 (clean shutdown).
/// - A page may need files first (a joined wallet, a note string): its ``Tool/preludes`` entry makes them.
@Suite struct HelpExamplesTests {
    static let root = ExampleScript.directory.deletingLastPathComponent()
    static let federationPort = 19100
    static let scratchPort = 19110
    static let bitcoinPort = 19120

    /// How the examples of one executable run.
    struct Tool {
        enum World {
            /// Only files in the working directory.
            case offline
            /// The test's 1-guardian dev federation is running; `$FM_TEST_INVITE` etc. are set.
            case federation
            /// The examples are not run; the reason says why (they are still parsed and must exist).
            case notRun(reason: String)
        }

        var world: World
        /// Shell lines run in a page's working directory before its examples, keyed by the page
        /// (`"fm-mint spend"`; `"*"` for every page of the tool).
        var preludes: [String: [String]] = [:]
    }

    /// Every fm-* executable and how its examples run. A tool in Sources/ but missing here fails the test.
    static let tools: [String: Tool] = [
        "fm-keygen": Tool(
            world: .offline,
            preludes: [
                "*": ["printf 'correct-horse-battery\\n' > pass.txt"],
                "fm-keygen show": [
                    "FM_PASSPHRASE=correct-horse-battery fm-keygen --dir g0 --name alice > /dev/null",
                    "fm-keygen --dir g1 --name bob --passphrase-file pass.txt > /dev/null",
                ],
            ]),
        "fm-node": Tool(
            world: .federation,
            preludes: [
                "fm-node": [dashboardPassword],
                "fm-node run": [
                    "fm-node dealer --peers 1 --dir fed --base-port \(scratchPort) --dev > /dev/null", dashboardPassword,
                    "fm-node dashboard-password --out fed/guardian-0/dashboard.hash < password.txt > /dev/null",
                ],
                // The admin examples reach the test's guardian through its config directory (API port, token).
                "fm-node meta": [linkFederation], "fm-node meta set": [linkFederation],
                "fm-node meta unset": [linkFederation], "fm-node shutdown": [linkFederation],
                "fm-node set-api-url": [linkFederation],
                "fm-node dashboard-password": [
                    "fm-node dealer --peers 1 --dir fed --base-port \(scratchPort) --dev > /dev/null", dashboardPassword,
                ],
                "fm-node dealer": ["printf 'correct-horse-battery\\n' > passphrase.txt"],
                // The test federation's guardian takes the operator password written here (Federation.start).
                "fm-node backup": ["printf '%s\\n' \"$FM_TEST_OPERATOR_PASSWORD\" > operator.txt"],
                "fm-node restore": ["fm-node backup --config-dir \"$FM_TEST_CONFIG_DIR\" --out g3-backup.fmbackup > /dev/null"],
                // A guardian that ran once and stopped, and an empty PostgreSQL database (FM_TEST_POSTGRES_URL).
                "fm-node migrate-db": [
                    "fm-node dealer --peers 1 --dir fed --base-port \(scratchPort) --dev > /dev/null",
                    "fm-node run --config-dir fed/guardian-0 2> /dev/null & pid=$!; "
                        + "for _ in $(seq 150); do fm-node status --api ws://127.0.0.1:\(scratchPort + 1)/ > /dev/null 2>&1 && break; sleep 0.2; done; "
                        + "kill $pid; wait $pid",
                    "printf '%s\\n' \"$FM_TEST_POSTGRES_PASSWORD\" > pg.password; chmod 600 pg.password",
                ],
            ]),
        "fm-mint": Tool(
            world: .federation,
            preludes: [
                "fm-mint": [joinBob],
                "fm-mint join": ["printf '%s\\n' \"$FM_TEST_INVITE\" > invite.txt"],
                "fm-mint info": [join],
                "fm-mint meta": [join, "fm-mint join --data-dir alice \"$FM_TEST_INVITE\" > /dev/null"],
                "fm-mint keys": [join],
                // A 512 msat note out of band, not redeemed: the reclaim takes it back.
                "fm-mint reclaim": [join, devIssue, "fm-mint spend 512 | jq -r .operation_id > operation-id.txt"],
                "fm-mint balance": [join],
                "fm-mint spend": [join, devIssue, joinBob],
                // 512 msat: a note the dev-issue made, so no reissue for change is needed.
                "fm-mint reissue": [join, devIssue, joinBob, "fm-mint spend 512 | jq -r .notes > notes.txt"],
                "fm-mint validate": [join, devIssue, "fm-mint spend 512 > spend.json", "jq -r .notes spend.json > notes.txt"],
                "fm-mint await": [join, "fm-mint dev-issue 1000 | jq -r .id > operation-id.txt"],
                "fm-mint list": [join, devIssue],
                "fm-mint backup": [join],
                "fm-mint recover": [join, "fm-mint backup --show-mnemonic | jq -r .mnemonic > words.txt"],
                "fm-mint dev-issue": [join, "fm-mint join --data-dir alice \"$FM_TEST_INVITE\" > /dev/null"],
            ]),
        // Each example is a 1-guardian DKG (peer port 19130; bob 19132), so it finishes without other guardians.
        "fm-dkg": Tool(
            world: .offline,
            preludes: [
                "*": [
                    "printf 'correct-horse-battery\\n' > pass.txt",
                    "fm-keygen --dir g0 --name alice --passphrase-file pass.txt --p2p-url fm://127.0.0.1:19130 "
                        + "--api-url ws://127.0.0.1:19131 > codes.jsonl",
                    "fm-keygen --dir g1 --name bob --passphrase-file pass.txt --p2p-url fm://127.0.0.1:19132 "
                        + "--api-url ws://127.0.0.1:19133 > bob.json",
                ]
            ]),
        "fm-regtest": Tool(world: .offline),
        // Each page starts its own fm-regtest (port 0) and node, and stops both.
        "fm-ln-regtest": Tool(world: .offline),
        "fm-gateway": Tool(world: .notRun(reason: "needs a federation, a Lightning node and a running gateway: GatewayTests run fm-gateway and its cli as processes")),
        "fm-bench": Tool(world: .notRun(reason: "benchmarks are built in release by `swift run` and run for minutes")),
        "fm-ln-pay": Tool(
            world: .notRun(
                reason: "needs a Lightning gateway and network (fm-gateway, fm-ln-regtest): LnPayToolTests runs pay, receive --wait, gateways and list as processes")),
        // The test federation follows a regtest node; each page links it as ./btc (as the help texts assume).
        "fm-pegin": Tool(
            world: .federation,
            preludes: [
                "*": [linkBitcoin, join],
                "fm-pegin await": [deposit, sendDeposit, mine],
                "fm-pegin claim": [
                    "fm-regtest cli --data-dir btc sendtoaddress \"$(fm-pegin address | jq -r .address)\" 0.001 "
                        + "| jq -r . > deposit-txid.txt",
                    mine,
                ],
            ]),
        "fm-pegout": Tool(
            world: .federation,
            preludes: [
                "*": [linkBitcoin, join, deposit, sendDeposit, mine, "fm-pegin await \"$(jq -r .operation_id deposit.json)\" > /dev/null"],
                "fm-pegout await": [
                    "fm-pegout 10000 \"$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)\" --no-wait "
                        + "| jq -r .operation_id > pegout-id.txt"
                ],
            ]),
    ]

    /// Examples (`"page: example"`) or pages (`"page"`, for a page without examples) that fail for a known reason
    /// outside the help text. Each is recorded as a known issue; once fixed, the test reports that the issue is gone
    /// and the entry must be removed.
    static let knownIssues: [String: String] = [:]

    /// Runs `body`, expecting it to record an issue when `key` is a known issue.
    static func checking(_ key: String, _ body: () throws -> Void) rethrows {
        if let reason = knownIssues[key] {
            withKnownIssue(Comment(rawValue: reason)) { try body() }
        } else {
            try body()
        }
    }

    static let dashboardPassword = "printf 'operator-password-1\\n' > password.txt"
    static let join = "fm-mint join \"$FM_TEST_INVITE\" > /dev/null"
    static let joinBob = "FM_CLIENT_DIR=bob fm-mint join \"$FM_TEST_INVITE\" > /dev/null"
    static let devIssue = "fm-mint dev-issue 100000 > /dev/null"
    static let linkFederation = "ln -s \"$FM_TEST_FED_DIR\" fed"
    static let linkBitcoin = "ln -s \"$FM_TEST_BITCOIN_DIR\" btc"
    static let deposit = "fm-pegin address > deposit.json"
    static let sendDeposit = "fm-regtest cli --data-dir btc sendtoaddress \"$(jq -r .address deposit.json)\" 0.002 > /dev/null"
    static let mine = "fm-regtest cli --data-dir btc generatetoaddress 3 \"$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)\" > /dev/null"

    /// What a reader substitutes in an example, and what this test substitutes.
    static let placeholders: [(String, String)] = [
        ("fed1qqqs...", "\"$FM_TEST_INVITE\""),
        ("fmnotes1...", "\"$(cat notes.txt)\""),
        ("9c1e...e4", "\"$(cat operation-id.txt)\""),
        ("--federation 3f2a", "--federation \"${FM_TEST_FEDERATION_ID:0:4}\""),
        ("ssh bob ", "FM_CLIENT_DIR=bob "),
        ("ws://127.0.0.1:17001/", "\"$FM_TEST_API\""),
        ("--config-dir fed/guardian-3", "--config-dir \"$FM_TEST_CONFIG_DIR\""),
        ("--base-port 17000", "--base-port \(scratchPort)"),
        ("http://127.0.0.1:18443", "\"$FM_BITCOIND_URL\""),
        ("bcrt1qxyz...", "\"$(fm-regtest cli --data-dir btc getnewaddress | jq -r .)\""),
        ("postgres://fm@127.0.0.1/fm_guardian0", "\"$FM_TEST_POSTGRES_URL\""),
        ("/etc/fm/pg-password", "pg.password"),
    ]

    @Test func everyHelpExampleRuns() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let executables = try FileManager.default.contentsOfDirectory(atPath: sources.path)
            .filter { $0.hasPrefix("fm-") }.sorted()
        #expect(executables.count >= 4)
        let unknown = executables.filter { Self.tools[$0] == nil }
        #expect(unknown.isEmpty, "add these commands to HelpExamplesTests.tools (how their examples run): \(unknown)")

        let scratch = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var federation: Federation?
        defer { federation?.stop() }

        for executable in executables {
            guard let tool = Self.tools[executable] else { continue }
            for page in try Self.helpPages(executable) {
                let examples = try Self.examples(page)
                Self.checking(page) { #expect(!examples.isEmpty, "`\(page) --help` shows no examples") }
                if case .notRun = tool.world { continue }
                var environment = ["FM_LOG_LEVEL": "warning"]
                if case .federation = tool.world {
                    if federation == nil { federation = try Federation.start(in: scratch.appendingPathComponent("federation")) }
                    environment.merge(try #require(federation).environment) { $1 }
                }
                let work = scratch.appendingPathComponent(page.replacingOccurrences(of: " ", with: "_"))
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                environment["FM_CLIENT_DIR"] = work.appendingPathComponent("wallet").path
                if page == "fm-node migrate-db" {
                    // Its example copies into an empty database of the test server (skipped without one, unless required).
                    guard case .success(let server) = TestPostgres.shared else {
                        #expect(!TestPostgres.required, "`\(page)` needs PostgreSQL, and FM_REQUIRE_POSTGRES=1")
                        continue
                    }
                    environment["FM_TEST_POSTGRES_URL"] = server.commandLine(try server.newDatabase())
                    environment["FM_TEST_POSTGRES_PASSWORD"] = server.password ?? ""
                }
                let preludes = (tool.preludes["*"] ?? []) + (tool.preludes[page] ?? [])
                var prepared = true
                for line in preludes where prepared {
                    let result = try Self.bash(line, in: work, environment: environment)
                    prepared = result.status == 0
                    #expect(prepared, "prelude of `\(page)`: \(line)\n\(result.stderr)")
                }
                guard prepared else { continue }
                for example in examples {
                    let command = Self.substitute(example)
                    #expect(!command.contains("..."), "`\(page)` example has a placeholder this test does not know: \(example)")
                    if command.hasPrefix("fm-node run ") {
                        try Self.runDaemon(command, in: work, environment: environment)
                        continue
                    }
                    let result = try Self.bash(command, in: work, environment: environment)
                    Self.checking("\(page): \(example)") {
                        #expect(result.status == 0, "`\(page)` example failed (exit \(result.status)): \(example)\n\(result.stderr)")
                    }
                }
            }
        }
    }

    /// The parser finds examples on their own lines, joins continued lines, and stops at the next paragraph.
    @Test func parsesExamplesOutOfHelpText() {
        let help = """
            OVERVIEW: Does things.

            Examples:
              tool a | jq .
              tool b --long \\
                  --option x
              FM_X=1 tool c   # comment

            Exit codes: 0 ok.

            USAGE: tool <subcommand>
              not an example
            """
        #expect(Self.examples(inHelp: help) == ["tool a | jq .", "tool b --long --option x", "FM_X=1 tool c   # comment"])
        #expect(Self.examples(inHelp: "OVERVIEW: x\n\nExample:\n  tool run\n\nUSAGE: tool") == ["tool run"])
        #expect(Self.examples(inHelp: "OVERVIEW: x\n\nOffline. Example: tool go --fast\n\nUSAGE: tool") == ["tool go --fast"])
        #expect(Self.substitute("fm-mint join fed1qqqs... | ssh bob fm-mint x") == "fm-mint join \"$FM_TEST_INVITE\" | FM_CLIENT_DIR=bob fm-mint x")
    }

    // MARK: - Help pages

    /// `tool`, then every subcommand its help lists, recursively: `["fm-mint", "fm-mint join", ...]`.
    static func helpPages(_ page: String) throws -> [String] {
        let help = try helpText(page)
        var pages = [page]
        for subcommand in subcommands(inHelp: help) {
            pages += try helpPages(page + " " + subcommand)
        }
        return pages
    }

    static func helpText(_ page: String) throws -> String {
        let words = page.split(separator: " ").map(String.init)
        // A wide terminal, so that no example line is wrapped.
        let result = try ToolRunner.run(words[0], Array(words.dropFirst()) + ["--help"], environment: ["COLUMNS": "1000"])
        #expect(result.status == 0, "`\(page) --help` exited \(result.status)")
        return result.stdout
    }

    static func examples(_ page: String) throws -> [String] { examples(inHelp: try helpText(page)) }

    /// The subcommand names under `SUBCOMMANDS:` (up to the blank line), without the built-in `help`.
    static func subcommands(inHelp help: String) -> [String] {
        let lines = help.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name != "help" { names.append(String(name)) }
        }
        return names
    }

    /// Example commands in the help text before `USAGE:`.
    static func examples(inHelp help: String) -> [String] {
        var examples: [String] = []
        var inExamples = false
        var pending: String?
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("USAGE:") { break }
            if let continued = pending {
                let joined = continued + " " + line.trimmingCharacters(in: .whitespaces)
                if joined.hasSuffix("\\") {
                    pending = String(joined.dropLast()).trimmingCharacters(in: .whitespaces)
                } else {
                    examples.append(joined)
                    pending = nil
                }
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "Examples:" || trimmed == "Example:" {
                inExamples = true
                continue
            }
            if let inline = trimmed.range(of: "Example: ") {
                // "Example: command" on one line (as in fm-bench).
                examples.append(String(trimmed[inline.upperBound...]).trimmingCharacters(in: .whitespaces))
                continue
            }
            guard inExamples else { continue }
            guard line.hasPrefix("  "), !trimmed.isEmpty else {
                inExamples = false
                continue
            }
            if trimmed.hasSuffix("\\") {
                pending = String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces)
            } else {
                examples.append(trimmed)
            }
        }
        return examples
    }

    static func substitute(_ example: String) -> String {
        placeholders.reduce(example) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    // MARK: - Running

    static func bash(_ command: String, in directory: URL, environment: [String: String]) throws -> ShellResult {
        var env = environment
        env["PATH"] = ToolRunner.binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try ShellResult.run(["-o", "pipefail", "-c", command], environment: env, in: directory)
    }

    /// Starts an `fm-node run` example, waits until its API answers, stops it with SIGTERM: it must exit 0.
    static func runDaemon(_ command: String, in directory: URL, environment: [String: String]) throws {
        let line = command.hasSuffix("&") ? String(command.dropLast()).trimmingCharacters(in: .whitespaces) : command
        let process = try Daemon.start(line, in: directory, environment: environment)
        defer { process.stop() }
        let api = "ws://127.0.0.1:\(scratchPort + 1)/"
        let up = Daemon.waitUntil(seconds: 60) { (try? ToolRunner.run("fm-node", ["status", "--api", api]).status) == 0 }
        #expect(up, "`\(command)`: the guardian's API never answered")
        #expect(process.stop() == 0, "`\(command)` did not exit 0 on SIGTERM")
    }
}

// MARK: - The test federation and daemons

/// A 1-guardian dev federation made by the dealer and run by `fm-node run`, following a regtest node (fm-regtest,
/// with 101 blocks mined so its wallet can fund deposits), for the examples that need one.
struct Federation {
    let daemons: [Daemon]
    let environment: [String: String]
    static let passphrase = "help-examples-passphrase"
    static let operatorPassword = "help-examples-operator"

    static func start(in directory: URL) throws -> Federation {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bitcoinDir = directory.appendingPathComponent("btc")
        let bitcoind = try Daemon.start(
            "fm-regtest run --data-dir btc --rpc-port \(HelpExamplesTests.bitcoinPort)", in: directory,
            environment: ["FM_LOG_LEVEL": "warning"])
        let bitcoin = [
            "FM_BITCOIND_URL": "http://127.0.0.1:\(HelpExamplesTests.bitcoinPort)",
            "FM_BITCOIND_COOKIE": bitcoinDir.appendingPathComponent(".cookie").path,
            "FM_TEST_BITCOIN_DIR": bitcoinDir.path,
        ]
        let mined = try HelpExamplesTests.bash(
            "fm-regtest cli --data-dir btc --rpc-wait generatetoaddress 101 "
                + "\"$(fm-regtest cli --data-dir btc --rpc-wait getnewaddress | jq -r .)\" > /dev/null",
            in: directory, environment: [:])
        if mined.status != 0 { _ = bitcoind.stop() }
        try #require(mined.status == 0, "the test's regtest node did not start: \(mined.stderr)")
        // Sealed like a real guardian's (fm-node backup refuses a plain private.json), with an operator password.
        try Data("\(passphrase)\n".utf8).write(to: directory.appendingPathComponent("passphrase.txt"))
        let dealer = try ToolRunner.run(
            "fm-node", ["dealer", "--peers", "1", "--dir", directory.appendingPathComponent("fed").path,
                        "--base-port", "\(HelpExamplesTests.federationPort)", "--dev", "--passphrase-file",
                        directory.appendingPathComponent("passphrase.txt").path])
        try #require(dealer.status == 0, "\(dealer.stderr)")
        let summary = try dealer.json()
        let hashed = try HelpExamplesTests.bash(
            "printf '%s\\n' '\(operatorPassword)' | fm-node dashboard-password --out fed/operator.hash > /dev/null",
            in: directory, environment: [:])
        try #require(hashed.status == 0, "\(hashed.stderr)")
        let guardian = try Daemon.start(
            "fm-node run --config-dir fed/guardian-0 --operator-password-file fed/operator.hash", in: directory,
            environment: bitcoin.merging(["FM_LOG_LEVEL": "warning", "FM_PASSPHRASE": passphrase]) { $1 })
        let federation = Federation(
            daemons: [guardian, bitcoind],
            environment: bitcoin.merging([
                "FM_TEST_INVITE": try #require(summary["invite_code"] as? String),
                "FM_TEST_FEDERATION_ID": try #require(summary["federation_id"] as? String),
                "FM_TEST_API": "ws://127.0.0.1:\(HelpExamplesTests.federationPort + 1)/",
                "FM_TEST_CONFIG_DIR": directory.appendingPathComponent("fed/guardian-0").path,
                "FM_TEST_OPERATOR_PASSWORD": operatorPassword,
                "FM_TEST_FED_DIR": directory.appendingPathComponent("fed").path,
            ]) { $1 })
        let up = Daemon.waitUntil(seconds: 60) {
            (try? ToolRunner.run("fm-node", ["status", "--api", federation.environment["FM_TEST_API"]!]).status) == 0
        }
        if !up { federation.stop() }
        try #require(up, "the test federation did not come up")
        return federation
    }

    func stop() { for daemon in daemons { _ = daemon.stop() } }
}

/// A background command (`exec`ed by bash, so SIGTERM reaches it), its output in files.
final class Daemon: @unchecked Sendable {
    let process = Process()

    static func start(_ command: String, in directory: URL, environment: [String: String]) throws -> Daemon {
        let daemon = Daemon()
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["PATH"] = ToolRunner.binDirectory.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        daemon.process.executableURL = URL(fileURLWithPath: "/bin/bash")
        daemon.process.arguments = ["-c", "exec " + command]
        daemon.process.environment = env
        daemon.process.currentDirectoryURL = directory
        daemon.process.standardOutput = FileHandle.nullDevice
        daemon.process.standardError = FileHandle.nullDevice
        try daemon.process.run()
        return daemon
    }

    /// SIGTERM, then waits up to 30 s (SIGKILL after that); the exit status, or -1 if it had to be killed.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        if Daemon.waitUntil(seconds: 30, { !self.process.isRunning }) { return process.terminationStatus }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return -1
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }
}

/// What a bash command did (its output in files, so a chatty command cannot block on a full pipe).
struct ShellResult {
    let status: Int32
    let stdout: String
    let stderr: String

    static func run(_ arguments: [String], environment: [String: String], in directory: URL) throws -> ShellResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FM_PASSPHRASE")
        env.merge(environment) { $1 }
        process.environment = env
        process.currentDirectoryURL = directory
        let files = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: files) }
        let outURL = files.appendingPathComponent("stdout"), errURL = files.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return ShellResult(
            status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
