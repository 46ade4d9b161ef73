import Foundation

/// Simulator throughput: how many Simplex iterations (rounds) per wall-clock second n engines
/// complete in one process on a stable network, every message encoded, decoded and verified.
public enum SimulationBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public let n: Int
        /// Iterations reached by the slowest honest guardian.
        public let rounds: UInt64
        public let finalizedBlocks: Int
        public let wallSeconds: Double
        /// Logical milliseconds simulated.
        public let simulatedMilliseconds: UInt64

        public var roundsPerSecond: Double { wallSeconds > 0 ? Double(rounds) / wallSeconds : 0 }

        public var description: String {
            "n=\(n): \(rounds) rounds (\(finalizedBlocks) blocks, \(simulatedMilliseconds) ms simulated) in "
                + "\(String(format: "%.3f", wallSeconds)) s = \(String(format: "%.0f", roundsPerSecond)) simulated rounds/s"
        }
    }

    /// Runs `rounds` iterations of an n-guardian federation (no faults, items flowing) and times it.
    public static func measure(n: Int, rounds: UInt64, seed: UInt64 = 1) -> Result {
        let scenario = SimulationScenario(
            n: n, seed: seed, items: Int(rounds) * 2, chaosDuration: 0, dropRate: 0, duplicateRate: 0,
            partitions: false, crashes: false, livenessDeadline: rounds * 1_000, targetIteration: rounds)
        var simulation = Simulation(scenario)
        let clock = ContinuousClock()
        let start = clock.now
        let report = simulation.run()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            n: n, rounds: report.iterationsReached, finalizedBlocks: report.finalizedBlocks, wallSeconds: seconds,
            simulatedMilliseconds: report.simulatedTime)
    }
}
