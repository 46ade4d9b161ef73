import FMConsensusSimulation
import Foundation
import Testing

/// A long run over many more seeds, on demand: `FM_SOAK_SEEDS=2000 swift test --filter SoakTests`
/// (optionally `FM_SOAK_BASE=<first seed>`).
@Suite struct SoakTests {
    static let seeds = ProcessInfo.processInfo.environment["FM_SOAK_SEEDS"].flatMap(UInt64.init)
    static let base = ProcessInfo.processInfo.environment["FM_SOAK_BASE"].flatMap(UInt64.init) ?? 100_000

    @Test(.enabled(if: seeds != nil, "set FM_SOAK_SEEDS to run the soak"), arguments: [1, 4, 7])
    func soak(n: Int) {
        let count = Self.seeds ?? 0
        var failures = 0
        for seed in Self.base..<(Self.base + count) {
            var simulation = Simulation(seed % 2 == 0 ? .standard(n: n, seed: seed) : .randomized(n: n, seed: seed))
            let report = simulation.run()
            if !report.passed {
                failures += 1
                Issue.record("\(report)\n\(report.violations.joined(separator: "\n"))\n\(report.replayHint)")
            }
        }
        print("soak n=\(n): \(count) seeds from \(Self.base), \(failures) failed")
    }
}
