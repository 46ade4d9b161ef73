import FMConsensus
import FMConsensusSimulation
import Foundation
import Testing

/// Runs many seeded scenarios; a failure prints the scenario (seed included) to replay it.
@Suite struct SimulationTests {
    static func runSeeds(n: Int, seeds: Range<UInt64>, scenario: (UInt64) -> SimulationScenario) {
        for seed in seeds {
            var simulation = Simulation(scenario(seed))
            let report = simulation.run()
            #expect(report.passed, "\(report)\n\(report.violations.joined(separator: "\n"))\n\(report.replayHint)")
        }
    }

    @Test func singleGuardianOrdersItsOwnItems() {
        Self.runSeeds(n: 1, seeds: 0..<40) { SimulationScenario.standard(n: 1, seed: $0) }
    }

    @Test func fourGuardiansWithOneByzantine() {
        Self.runSeeds(n: 4, seeds: 1_000..<1_150) { SimulationScenario.standard(n: 4, seed: $0) }
    }

    @Test func sevenGuardiansWithTwoByzantine() {
        Self.runSeeds(n: 7, seeds: 2_000..<2_060) { SimulationScenario.standard(n: 7, seed: $0) }
    }

    @Test func everyByzantineBehaviorAtFourGuardians() {
        for behavior in ByzantineBehavior.individual {
            Self.runSeeds(n: 4, seeds: 3_000..<3_012) { SimulationScenario(n: 4, seed: $0, byzantine: [behavior]) }
        }
    }

    @Test func sameSeedReplaysExactly() {
        let scenario = SimulationScenario.standard(n: 4, seed: 77)
        var first = Simulation(scenario)
        var second = Simulation(scenario)
        let a = first.run(), b = second.run()
        #expect(a.description == b.description)
        #expect(a.messagesDelivered > 0)
    }
}
