import ArgumentParser
import FMBenchmarking

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
                Example: swift run -c release fm-bench reissue --scale 0.5
                """)

        @OptionGroup var options: BenchmarkOptions

        @Option(help: ArgumentHelp("Wallets reissuing at once in the throughput phase.", valueName: "count"))
        var wallets: Int = 8

        @Option(help: ArgumentHelp("First loopback port (n = 4 uses 8 ports, n = 1 the next 2).", valueName: "port"))
        var basePort: Int = 18100

        func run() async throws {
            let suite = ReissueBenchmarkSuite(
                sequential: options.iterations(100), concurrentPerWallet: options.iterations(10), wallets: wallets,
                basePort: basePort)
            let report = try await suite.run()
            print(options.json ? try report.json() : report.table())
        }
    }
}
