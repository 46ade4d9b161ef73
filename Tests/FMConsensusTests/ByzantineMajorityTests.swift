import FMConsensus
import FMConsensusSimulation
import Testing

/// With more than f Byzantine guardians Simplex promises nothing: this shows what breaks.
@Suite struct ByzantineMajorityTests {
    /// Two colluding guardians of four (f = 1) show block A to one honest guardian and block B
    /// to the other while the network keeps the honest guardians apart: each honest guardian
    /// sees t = 3 notarize and finalize votes for "its" block, so they finalize different
    /// blocks at the same height. Safety is lost; the honest engines keep running, reject the
    /// conflicting history they are later served, and never crash.
    @Test func coalitionLargerThanFBreaksSafetyButHonestGuardiansSurvive() {
        var forks = 0
        for seed in UInt64(0)..<8 {
            let scenario = SimulationScenario(
                n: 4, seed: seed, byzantine: [.coalitionSplit, .coalitionSplit], items: 6, chaosDuration: 1_500,
                dropRate: 0, duplicateRate: 0, partitions: false, crashes: false, splitHonestGuardians: true,
                livenessDeadline: 3_000)
            var simulation = Simulation(scenario)
            let report = simulation.run()  // completing at all is the "never crashes" half
            if report.violations.contains(where: { $0.contains("prefix consistency") }) { forks += 1 }
            #expect(report.messagesDelivered > 0)
        }
        #expect(forks > 0, "a coalition of more than f guardians should be able to fork the chain")
    }

    /// The same coalition within the fault bound (n = 7, f = 2) cannot fork: every quorum of
    /// t = 5 holds at least three honest guardians, who each vote once.
    @Test func sameCoalitionWithinFCannotFork() {
        for seed in UInt64(0)..<8 {
            let scenario = SimulationScenario(
                n: 7, seed: seed, byzantine: [.coalitionSplit, .coalitionSplit], items: 6, chaosDuration: 1_500,
                dropRate: 0, duplicateRate: 0, partitions: false, crashes: false, splitHonestGuardians: true)
            var simulation = Simulation(scenario)
            let report = simulation.run()
            #expect(report.passed, "\(report)\n\(report.violations.joined(separator: "\n"))\n\(report.replayHint)")
        }
    }
}
