import FMCore
import ArgumentParser
import FMBenchmarking
import FMClientCore

extension FMBench {
    /// `fm-bench reissue`: e-cash reissue latency and throughput against in-process federations.
    struct Reissue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reissue latency (p50/p99) and reissues per second, n = 4 and n = 1 on loopback.",
            discussion: """
                Starts each federation in this process exactly as fm-node assembles a guardian (Simplex consensus over
                pinned mutual-TLS on 127.0.0.1, SQLite in WAL mode with synchronous=FULL, the JSON-RPC API over
                WebSocket, default consensus timing), and drives it with FMClient wallets over WebSocket, as fm-mint
                does. One reissue = one note of at least 4096 msat received as a note string: offline batch
                validation, submit to every guardian, await acceptance by t guardians, fetch and check every
                guardian's blind signature share for each new note, store the notes.
                  sequential: one wallet, one reissue at a time (latency);
                  concurrent: --wallets wallets reissuing at once (throughput and latency under load).
                The reference row (one libsecp256k1 Schnorr verification) is measured in the same run.
                With --database postgres://user@host[:port]/NAME each guardian keeps its state in PostgreSQL instead
                (as fm-node run --database does): fm-bench creates one empty database per guardian on that server,
                NAME_n4_g0 … NAME_n4_g3 and NAME_n1_g0 (UTF8, C collation), through the server's postgres database
                as the URL's user (who needs CREATEDB), and drops them at the end. NAME itself is not used; an
                existing NAME_n*_g* database is refused, never reused. The password comes from
                --database-password-file or FM_DATABASE_PASSWORD, never the URL. bin/bench-reissue-backends runs
                both backends back to back.
                Every wallet connects from 127.0.0.1, so each guardian grants the cost budget of --wallets + 1 client
                addresses (api_limits in local.json, docs/rpc.md "Limits"), as if each wallet had its own;
                --shared-client-budget keeps the default budget of one address, which all wallets then share.
                --guardians-before-1.1 withholds await_output_outcomes (core API 1.1), as guardians of an older release:
                wallets then ask one await_output_outcome per output and guardian.
                Example: swift run -c release fm-bench reissue --scale 0.5
                """)

        @OptionGroup var options: BenchmarkOptions

        @Option(help: ArgumentHelp("Wallets reissuing at once in the throughput phase.", valueName: "count"))
        var wallets: Int = 8

        @Option(help: ArgumentHelp("First loopback port (each size n uses 2n ports, the sizes one after another).", valueName: "port"))
        var basePort: Int = 18100

        @Option(
            help: ArgumentHelp(
                "Federation sizes to measure, in order, comma-separated (each 1 to 7; e.g. 1 to profile the single guardian alone).",
                valueName: "sizes"))
        var guardians: String = "4,1"

        @Option(
            help: ArgumentHelp(
                "The guardians' consensus batch window in milliseconds (0 to 1000; default: fm-node's, docs/consensus.md \"Batching under load\").",
                valueName: "ms"))
        var batchWindow: Int?

        @Flag(
            help: ArgumentHelp(
                "All wallets share one client address's cost budget at each guardian (they all connect from 127.0.0.1); default: each guardian grants the budget of one address per wallet, plus one for the sequential wallet, as if every wallet had its own address."))
        var sharedClientBudget = false

        @Flag(
            name: .customLong("guardians-before-1.1"),
            help: ArgumentHelp(
                "The guardians serve core API 1.0 only, as releases before 1.1: no await_output_outcomes, so wallets ask each output's outcome on its own."))
        var guardiansBefore11 = false

        @Option(
            help: ArgumentHelp(
                "Keep the guardians' state in new databases NAME_n<size>_g<peer> on this PostgreSQL server, postgres://user@host[:port]/NAME (no password in it; default: SQLite files).",
                valueName: "url"))
        var database: String?

        @Option(
            help: ArgumentHelp(
                "File holding the PostgreSQL password (first line; mode 0600). Else FM_DATABASE_PASSWORD, else none.",
                valueName: "file"))
        var databasePasswordFile: String?

        func validate() throws {
            _ = try sizes()
            if let batchWindow, !(0...1_000).contains(batchWindow) {
                throw ValidationError("--batch-window: expected milliseconds from 0 to 1000, got \(batchWindow)")
            }
        }

        /// `--guardians` as federation sizes.
        func sizes() throws -> [Int] {
            let sizes = guardians.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 7 }) else {
                throw ValidationError("--guardians: expected federation sizes 1 to 7, comma-separated (e.g. 4,1), got '\(guardians)'")
            }
            return sizes.compactMap { $0 }
        }

        func run() async throws {
            let storage = try BenchmarkStorage.resolve(database: database, passwordFile: databasePasswordFile)
            let suite = ReissueBenchmarkSuite(
                sequential: options.iterations(100), concurrentPerWallet: options.iterations(10), wallets: wallets,
                basePort: basePort, sizes: try sizes(), storage: storage, clientAddresses: sharedClientBudget ? 1 : wallets + 1,
                withheld: guardiansBefore11 ? [CoreAPI.awaitOutputOutcomes] : [], batchWindow: batchWindow.map { .milliseconds($0) })
            let report = try await suite.run()
            print(options.json ? try report.json() : report.table())
        }
    }
}
