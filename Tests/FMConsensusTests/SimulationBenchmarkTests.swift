import FMConsensusSimulation
import Testing

@Suite struct SimulationBenchmarkTests {
    @Test(arguments: [1, 4, 7])
    func reportsRoundsPerSecond(n: Int) {
        let result = SimulationBenchmark.measure(n: n, rounds: 60)
        #expect(result.rounds >= 60)
        #expect(result.finalizedBlocks > 0)
        #expect(result.roundsPerSecond > 0)
        print("consensus simulation (debug build) \(result)")
    }
}
