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
        Self.runSeeds(n: 4, seeds: 1_000..<1_120) { SimulationScenario.standard(n: 4, seed: $0) }
    }

    @Test func sevenGuardiansWithTwoByzantine() {
        Self.runSeeds(n: 7, seeds: 2_000..<2_050) { SimulationScenario.standard(n: 7, seed: $0) }
    }

    @Test func everyByzantineBehaviorAtFourGuardians() {
        for behavior in ByzantineBehavior.individual {
            Self.runSeeds(n: 4, seeds: 3_000..<3_010) { SimulationScenario(n: 4, seed: $0, byzantine: [behavior]) }
        }
    }

    @Test func harsherNetworksAtFourAndSevenGuardians() {
        Self.runSeeds(n: 4, seeds: 4_000..<4_015) { SimulationScenario.randomized(n: 4, seed: $0) }
        Self.runSeeds(n: 7, seeds: 5_000..<5_010) { SimulationScenario.randomized(n: 7, seed: $0) }
    }

    @Test func sameSeedReplaysExactly() {
        let scenario = SimulationScenario.standard(n: 4, seed: 77)
        var first = Simulation(scenario)
        var second = Simulation(scenario)
        let a = first.run(), b = second.run()
        #expect(a.description == b.description)
        print("replay check: \(a)")
        #expect(a.messagesDelivered > 0)
    }
}
