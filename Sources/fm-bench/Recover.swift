import ArgumentParser
import FMBenchmarking

extension FMBench {
    /// `fm-bench recover`: wallet recovery against a long issuance history, with and without a snapshot.
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recovery time and items per second against a history of 100,000+ issued outputs.",
            discussion: """
                Starts 4 guardians in this process (as `fm-bench reissue`), appends --outputs outputs of other \
                wallets to every guardian's issuance log before it starts (what as many dev-issued outputs leave; \
                no blind signing, so setup takes seconds), issues the measured wallet's notes through consensus, \
                uploads its snapshot and issues more, then recovers it from the mnemonic into fresh directories: \
                without a snapshot (the whole log) and with it (only the log after the snapshot). Each recovery \
                must restore the wallet's exact balance. Items per second = log records scanned / scan time, \
                beside Fedimint's published ~30,000.
                Example: swift run -c release fm-bench recover --outputs 100000
                """)

        @OptionGroup var options: BenchmarkOptions

        @Option(help: ArgumentHelp("Outputs of other wallets in the history.", valueName: "count"))
        var outputs: Int = 100_000

        @Option(help: ArgumentHelp("First loopback port (8 ports are used).", valueName: "port"))
        var basePort: Int = 18140

        func run() async throws {
            let report = try await RecoverBenchmarkSuite(foreignOutputs: options.iterations(outputs), basePort: basePort).run()
            print(options.json ? try report.json() : report.table())
        }
    }
}
