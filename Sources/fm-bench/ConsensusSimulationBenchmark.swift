import ArgumentParser
import FMConsensusSimulation

/// `fm-bench consensus-simulation`: simulated Simplex rounds per second (deterministic simulator).
struct ConsensusSimulationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus-simulation",
        abstract: "Simplex consensus: simulated rounds per second of the deterministic simulator.",
        discussion: """
            Runs n consensus engines in one process on a stable simulated network (every message
            encoded, decoded and signature-checked with the simulator's fast HMAC signatures) until
            every guardian completed --rounds iterations, and prints rounds per wall-clock second.
            Offline. Example: swift run -c release fm-bench consensus-simulation --guardians 4 --rounds 2000
            """)

    @Option(help: "Number of guardians (n).")
    var guardians: [Int] = [1, 4, 7]

    @Option(help: "Iterations to simulate per federation size.")
    var rounds: UInt64 = 1_000

    @Option(help: "Simulation seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard guardians.allSatisfy({ $0 >= 1 && $0 <= 100 }) else { throw ValidationError("--guardians must be within 1...100") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }

    func run() throws {
        for n in guardians {
            print("consensus simulation \(SimulationBenchmark.measure(n: n, rounds: rounds, seed: seed))")
        }
    }
}
