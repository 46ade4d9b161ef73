import ArgumentParser
import FMBenchmarking
import Foundation

extension FMBench {
    /// `fm-bench ln`: Lightning pay and receive latency through fm-gateway, 4 guardians, all real processes.
    struct Lightning: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ln",
            abstract: "Lightning pay and receive latency (p50/p99) through fm-gateway with 4 guardians on loopback.",
            discussion: """
                Starts real processes from --bin-dir: fm-regtest, two fm-ln-regtest nodes (the gateway's `gw` and \
                `out`, outside the federation) with a channel each way, four fm-node guardians (dealer, --dev), \
                fm-gateway with an e-cash float, and a wallet (fm-mint join, dev-issue). Then, after one warm-up each:
                  pay: `out` makes a 50,000 msat invoice (not timed); timed from starting `fm-ln-pay pay INVOICE` to \
                its exit with outcome `paid` (the invoice paid and the user's operation final: the federation shows \
                the gateway's claim);
                  receive: `fm-ln-pay receive 40000 --wait` runs and prints its invoice (not timed); timed from \
                starting `out`'s `pay` (fm-ln-regtest cli) to the receiver's exit with outcome `received` (its \
                e-cash issued); `payer_*` is the same start to `pay` returning (the HTLC settled);
                  components: `fm-ln-pay list` (one client command's start-up and database), and `out` paying a \
                plain invoice of `gw` (the Lightning leg alone, with its cli start-up).
                Prints one JSON object: p50/p99/mean/min in ms and count per row, Fedimint's published ~2.9 s and each \
                p50's ratio to it, the build type and the load average before and after.
                Example: fm-bench ln --count 5
                """)

        @Option(help: ArgumentHelp("Timed payments of each kind (after one warm-up each).", valueName: "n"))
        var count: Int = 20

        @Option(help: ArgumentHelp("First loopback port (the run uses 12 from here).", valueName: "port"))
        var basePort: Int = 18_400

        @Option(help: ArgumentHelp("Directory holding the fm-* executables (default: fm-bench's own).", valueName: "dir"))
        var binDir: String?

        func validate() throws {
            guard (1...1_000).contains(count) else { throw ValidationError("--count must be 1 to 1000") }
            guard (1_024...65_000).contains(basePort) else { throw ValidationError("--base-port must be 1024 to 65000") }
        }

        func run() throws {
            let bin = binDir.map { URL(fileURLWithPath: $0) } ?? Self.ownDirectory
            let network = try LightningBenchmarkNetwork(binDirectory: bin, basePort: basePort)
            defer { network.stop() }
            let loadBefore = Self.loadAverage()
            try network.start(aliceMsat: UInt64(count + 1) * 60_000, floatMsat: UInt64(count + 1) * 40_000 + 100_000)
            let suite = LightningBenchmarkSuite(network: network)
            let result = try suite.measure(count: count)
            var json = result.json
            json["load_average_before"] = loadBefore
            json["load_average_after"] = Self.loadAverage()
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }

        static var ownDirectory: URL {
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        }

        /// The 1-, 5- and 15-minute load averages (Linux /proc/loadavg; empty elsewhere).
        static func loadAverage() -> [Double] {
            guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
            return text.split(separator: " ").prefix(3).compactMap { Double($0) }
        }
    }
}
