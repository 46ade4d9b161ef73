import ArgumentParser
import FMBenchmarking

extension FMBench {
    /// `fm-bench bls`: BLS12-381 and threshold blind signatures against a libsecp256k1 Schnorr verify.
    struct BLS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "BLS12-381 pairing, scalar multiplication, hash to G1 and threshold blind signatures.",
            discussion: """
                Every row also shows its mean as a multiple of one libsecp256k1 BIP-340 Schnorr
                verification measured in the same run. Times are thread CPU time unless --clock wall
                is given: every operation here is single-threaded, and CPU time stays meaningful while
                other processes load the machine. Offline; takes under a minute in release builds.
                bin/bench-bls-peers runs the compared rows side by side with blst and arkworks.

                Examples:
                  swift run -c release fm-bench bls
                  swift run -c release fm-bench bls --json | jq .
                  swift run -c release fm-bench bls --compared-only --scale 0.2
                """)

        @OptionGroup var options: BenchmarkOptions

        @Flag(help: "Only the rows bin/bench-bls-peers compares with blst and arkworks.")
        var comparedOnly = false

        func run() async throws {
            let report = BLSBenchmarkSuite(options: options, comparedOnly: comparedOnly).run()
            print(options.json ? try report.json() : report.table())
        }
    }
}
