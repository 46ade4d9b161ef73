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
        Self.runSeeds(n: 4, seeds: 1_000..<1_100) { SimulationScenario.standard(n: 4, seed: $0) }
    }

    @Test func sevenGuardiansWithTwoByzantine() {
        Self.runSeeds(n: 7, seeds: 2_000..<2_040) { SimulationScenario.standard(n: 7, seed: $0) }
    }

    @Test func everyByzantineBehaviorAtFourGuardians() {
        for behavior in ByzantineBehavior.individual {
            Self.runSeeds(n: 4, seeds: 3_000..<3_008) { SimulationScenario(n: 4, seed: $0, byzantine: [behavior]) }
        }
    }

    @Test func harsherNetworksAtFourAndSevenGuardians() {
        Self.runSeeds(n: 4, seeds: 4_000..<4_010) { SimulationScenario.randomized(n: 4, seed: $0) }
        Self.runSeeds(n: 7, seeds: 5_000..<5_006) { SimulationScenario.randomized(n: 7, seed: $0) }
    }

    @Test func wholeFederationRestartsFromCheckpoints() {
        for n in [1, 4] {
            Self.runSeeds(n: n, seeds: 6_000..<6_010) {
                var scenario = SimulationScenario.standard(n: n, seed: $0)
                scenario.wholeFederationRestart = true
                return scenario
            }
        }
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

/// Issue 24 item 7 in the simulator: a Byzantine guardian claiming a huge finalized count and
/// answering every block request with nothing cannot stall an honest guardian that joins late.
@Suite struct LyingCatchUpSimulationTests {
    @Test func lyingPeerAheadCannotStallALateGuardian() {
        for seed in UInt64(7_000)..<7_004 {
            let scenario = SimulationScenario(
                n: 4, seed: seed, byzantine: [.lieAboutProgress], items: 20, chaosDuration: 0, partitions: false,
                crashes: false, lateJoinAt: 10_000)
            var simulation = Simulation(scenario)
            let report = simulation.run()
            #expect(report.passed, "\(report)\n\(report.violations.joined(separator: "\n"))\n\(report.replayHint)")
            let caughtUp = report.lateJoinerCatchUpTime
            // 60 ms periods, 32-block batches: ~200 blocks behind, the honest peers serve the backlog in ~0.5 s.
            #expect(caughtUp != nil && caughtUp! <= 1_000, "late guardian caught up after \(caughtUp.map(String.init) ?? "never") ms: \(report)")
            print("late joiner caught up in \(caughtUp.map(String.init) ?? "never") ms: \(report)")
        }
    }
}
