import FMBenchmarking
import FMClient
import FMClientCore
import FMCore
import FMCrypto
import FMMintClient
import FMMintCommon
import FMRPC
import FMSecp256k1
import FMServer
import Foundation
import Logging

/// The measurement behind `fm-bench reissue`.
struct ReissueBenchmarkSuite {
    static let reference = "schnorr verify"
    let sequential: Int
    let concurrentPerWallet: Int
    let wallets: Int
    let basePort: Int
    /// Federation sizes measured, in order.
    var sizes = [4, 1]
    var storage: BenchmarkStorage = .sqlite
    /// Client addresses whose cost budget each guardian grants (``BenchmarkFederation/start(size:basePort:storage:clientAddresses:seed:)``).
    var clientAddresses = 1
    /// Guardian methods not served (``BenchmarkFederation/start(size:basePort:storage:clientAddresses:withheld:batchWindow:seed:)``).
    var withheld: Set<String> = []
    /// The guardians' consensus batch window, when not the default (``ConsensusConfiguration/batchWindow``).
    var batchWindow: Duration?

    func run() async throws -> BenchmarkReport {
        var report = BenchmarkReport(
            title: "e-cash reissue, in-process guardians on loopback (TLS consensus, \(storage.label), JSON-RPC/WebSocket)",
            referenceName: Self.reference, clock: .wall)
        let keypair = Keypair()
        let message = Array(repeating: UInt8(7), count: 32)
        let signature = keypair.signSchnorr(message: message)
        report.add(
            Benchmark(Self.reference, iterations: 2000, clock: .wall).run {
                keypair.xOnlyPublicKey.isValidSchnorrSignature(signature, for: message)
            }, note: "reference, same run (brief: 27.5 µs)")
        var rng = SystemRandomNumberGenerator()
        let share = TrustedDealer.dealKeysForTesting(threshold: 1, peers: 1, using: &rng).secretKeyShares[0]
        let blinded = try NoteDerivation(moduleSecret: [UInt8](repeating: 1, count: 64))
            .secret(denomination: Denomination(exponent: 12), index: 0).blindedMessage
        report.add(Benchmark("TBS share sign (G1 mult)", iterations: 200, clock: .wall).run { share.sign(blinded) })

        var port = basePort
        for size in sizes {
            defer { port += 2 * size + 2 }
            let federation = try await BenchmarkFederation.start(
                size: size, basePort: port, storage: storage, clientAddresses: clientAddresses, withheld: withheld,
                batchWindow: batchWindow)
            do {
                try await measure(federation, into: &report)
                await federation.stop()
            } catch {
                await federation.stop()
                throw error
            }
        }
        return report
    }

    private func measure(_ federation: BenchmarkFederation, into report: inout BenchmarkReport) async throws {
        let n = federation.size
        let wallet = try await federation.wallet("sequential", funds: Amount(msats: 1 << 26))
        for _ in 0..<3 { _ = try await wallet.reissueOne() }  // warm-up: connections, caches
        var samples: [Int64] = []
        var outputs = 0
        for _ in 0..<sequential {
            let (nanoseconds, notes) = try await wallet.reissueOne()
            samples.append(nanoseconds)
            outputs += notes
        }
        let result = BenchmarkResult(name: "reissue, n = \(n), sequential", samplesInNanoseconds: samples)
        report.add(result, note: String(
            format: "%.1f notes out per reissue; %.1f reissues/s; p50/schnorr %.0f×; target p50 < 100 ms, Fedimint 0.6–1.5 s",
            Double(outputs) / Double(sequential), 1e9 / result.meanNanoseconds,
            result.medianNanoseconds / report.results[0].medianNanoseconds))

        var pool: [BenchmarkWallet] = []
        for index in 0..<wallets { pool.append(try await federation.wallet("w\(index)", funds: Amount(msats: 1 << 24))) }
        let start = ContinuousClock.now
        let perWallet = concurrentPerWallet
        let loaded = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for member in pool {
                group.addTask {
                    var times: [Int64] = []
                    for _ in 0..<perWallet { times.append(try await member.reissueOne().nanoseconds) }
                    return times
                }
            }
            var all: [Int64] = []
            for try await times in group { all += times }
            return all
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.add(
            BenchmarkResult(name: "reissue, n = \(n), \(wallets) wallets at once", samplesInNanoseconds: loaded),
            note: String(format: "throughput %.1f reissues/s (%d in %.2f s)", Double(loaded.count) / seconds, loaded.count, seconds))
    }
}

/// Guardians assembled as fm-node assembles them, with their API servers, in this process.
final class BenchmarkFederation: Sendable {
    let size: Int
    let directory: URL
    let invite: InviteCode
    let nodes: [GuardianNode]
    let runs: [Task<Void, any Error>]
    let apis: [Task<Void, any Error>]
    let apisStopped: StoppedCount
    let storage: BenchmarkStorage
    let logger: Logger

    private init(
        size: Int, directory: URL, invite: InviteCode, nodes: [GuardianNode], runs: [Task<Void, any Error>],
        apis: [Task<Void, any Error>], apisStopped: StoppedCount, storage: BenchmarkStorage, logger: Logger
    ) {
        self.size = size
        self.directory = directory
        self.invite = invite
        self.nodes = nodes
        self.runs = runs
        self.apis = apis
        self.apisStopped = apisStopped
        self.storage = storage
        self.logger = logger
    }

    /// - Parameter storage: SQLite files in a temporary directory, or one new PostgreSQL database per guardian
    ///   (``BenchmarkStorage``), closed and dropped again by ``stop()``.
    /// - Parameter clientAddresses: each guardian's API grants its per-address cost budget (docs/rpc.md, "Limits")
    ///   this many times over, through `local.json`'s `api_limits` as an operator would. Every wallet of the benchmark
    ///   connects from 127.0.0.1, so with 1 they all share the budget of one client address, where real wallets
    ///   would each have their own.
    /// - Parameter withheld: guardian API methods the guardians do not serve, as guardians of an older release.
    /// - Parameter batchWindow: the guardians' consensus batch window, if not the default.
    /// - Parameter seed: runs on each guardian after its database is opened and before it starts (``MintHistorySeeding``).
    static func start(
        size: Int, basePort: Int, storage: BenchmarkStorage = .sqlite, clientAddresses: Int = 1, withheld: Set<String> = [],
        batchWindow: Duration? = nil, seed: (@Sendable (GuardianNode) async throws -> Void)? = nil
    ) async throws -> BenchmarkFederation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-bench-reissue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configs = try TestingDealer.generateForTesting(guardians: size, basePort: basePort, devMode: true)
        if clientAddresses > 1 {
            let budget = RPCServer.Configuration().clientBudget
            for index in configs.indices {
                configs[index].local.apiLimits = LocalConfig.APILimits(
                    clientBudgetBurst: budget.burst * clientAddresses,
                    clientBudgetPerSecond: Int(budget.perSecond) * clientAddresses)
            }
        }
        var logger = Logger(label: "fm.bench.node")
        logger.logLevel = .warning
        let databases = try storage.create(size: size, logger: logger)
        var nodes: [GuardianNode] = []
        do {
            for (guardian, database) in zip(configs, databases) {
                nodes.append(
                    try GuardianNode(
                        configs: guardian,
                        databasePath: directory.appendingPathComponent("guardian-\(guardian.local.peerId.rawValue).sqlite").path,
                        database: database,
                        tuneConsensus: { consensus in if let batchWindow { consensus.batchWindow = batchWindow } },
                        logger: logger))
            }
            if let seed { for node in nodes { try await seed(node) } }
        } catch {
            for node in nodes { node.closeDatabase() }
            storage.drop(peers: size, of: size, logger: logger)
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let servers = nodes.map { $0.makeAPIServer(withheld: withheld) }
        let runs = nodes.map { node in Task { try await node.run() } }
        let apisStopped = StoppedCount()
        let apis = servers.map { server in
            Task {
                defer { apisStopped.increment() }
                try await server.run()
            }
        }
        let invite = InviteCode(
            federationId: nodes[0].federationID, peer: PeerID(0), apiUrl: configs[0].consensus.peers[0].apiUrl)
        let federation = BenchmarkFederation(
            size: size, directory: directory, invite: invite, nodes: nodes, runs: runs, apis: apis, apisStopped: apisStopped,
            storage: storage, logger: logger)
        do {
            for server in servers { _ = try await server.listeningPort() }
        } catch {
            await federation.stop()
            throw error
        }
        return federation
    }

    /// A joined wallet holding `funds` (dev-issued) minus fees.
    func wallet(_ name: String, funds: Amount) async throws -> BenchmarkWallet {
        let client = try await FederationClient.join(
            invite: invite, directory: ClientDirectory(path: directory.appendingPathComponent(name).path),
            modules: ClientModules.all)
        guard let mint = client.module(MintClientModule.self) else { throw BenchmarkSetupError("no mint module") }
        let record = try await mint.await(try await mint.devIssue(funds))
        guard record.status == .succeeded else { throw BenchmarkSetupError("dev-issue failed: \(record.failure ?? "")") }
        return BenchmarkWallet(client: client, mint: mint)
    }

    /// Stops the guardians and their API servers, closes their databases (dropping PostgreSQL ones) and removes the
    /// directory.
    func stop() async {
        for node in nodes { node.shutdown() }
        for api in apis { api.cancel() }
        for run in runs { _ = await run.result }
        // An API server's graceful shutdown may wait on the wallets' open WebSockets: up to 10 s, not for ever
        // (never by awaiting its task).
        let deadline = ContinuousClock.now + .seconds(10)
        while apisStopped.value < apis.count, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        for node in nodes { node.closeDatabase() }
        storage.drop(peers: size, of: size, logger: logger)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// How many of a federation's API servers have returned.
final class StoppedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

/// One FMClient wallet of a benchmark federation.
struct BenchmarkWallet: Sendable {
    let client: FederationClient
    let mint: MintClientModule

    /// Takes the smallest note worth at least 4096 msat out as a note string (locally, no round trip), then
    /// times receiving it: `reissue` until the new notes are stored. Returns the time and the notes made.
    func reissueOne() async throws -> (nanoseconds: Int64, notes: Int) {
        let notes = try await client.database.read { db in try MintNoteStore.listSpendable(in: db) }
        guard let note = notes.filter({ $0.denomination.amount.msats >= 4096 }).min(by: { $0.denomination < $1.denomination }) else {
            throw BenchmarkSetupError("the wallet ran out of notes of 4096 msat or more")
        }
        let (spent, _) = try await mint.spend(note.denomination.amount)
        guard let spent, case .object(let result)? = try await mint.await(spent).result,
            case .string(let text)? = result["notes"]
        else { throw BenchmarkSetupError("an exact spend did not produce a note string") }
        let string = try NoteString(parsing: text)
        let start = ContinuousClock.now
        let record = try await mint.await(try await mint.reissue(string))
        let elapsed = ContinuousClock.now - start
        guard record.status == .succeeded else { throw BenchmarkSetupError("reissue failed: \(record.failure ?? "")") }
        let (seconds, attoseconds) = elapsed.components
        var outputs = 0
        if case .object(let state) = record.state, case .array(let planned)? = state["outputs"] { outputs = planned.count }
        return (seconds * 1_000_000_000 + attoseconds / 1_000_000_000, outputs)
    }
}

struct BenchmarkSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
