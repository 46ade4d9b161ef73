import ArgumentParser
import FMBenchmarking
import FMCLI

/// `fm-bench`: timing benchmarks for fm's building blocks, each reported with
/// a ratio against a reference measured in the same run.
@main
struct FMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm-bench",
        abstract: "Benchmarks of fm's cryptography and protocols (run with -c release).",
        discussion: """
            Each subcommand measures one area and prints an aligned table, or JSON with --json.
            Example: swift run -c release fm-bench bls
            """,
        subcommands: [
            BLS.self, JSONBenchmark.self, Consensus.self, ConsensusSimulationBenchmark.self, Reissue.self, Recover.self, Lightning.self,
        ])

    static func main() async { await CommandRunner.main(Self.self) }
}

/// Options shared by every benchmark subcommand.
struct BenchmarkOptions: ParsableArguments {
    @Flag(help: "Print the results as JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Multiply every iteration count by this factor.", valueName: "factor"))
    var scale: Double = 1

    @Option(
        help: ArgumentHelp(
            "What to time: wall or thread-cpu (default: the subcommand's choice).",
            discussion: "thread-cpu leaves out the time the benchmark thread waits for a core on a busy machine."))
    var clock: BenchmarkClock?

    func validate() throws {
        guard scale > 0 else { throw ValidationError("--scale must be positive") }
    }

    /// An iteration count scaled by --scale, at least 1.
    func iterations(_ base: Int) -> Int { max(1, Int((Double(base) * scale).rounded())) }
}

extension BenchmarkClock: ExpressibleByArgument {}
