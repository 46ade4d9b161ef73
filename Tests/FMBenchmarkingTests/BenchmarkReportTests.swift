import FMBenchmarking
import Foundation
import Testing

@Suite struct BenchmarkReportTests {
    @Test func statisticsOfKnownSamples() {
        let result = BenchmarkResult(name: "x", samplesInNanoseconds: (1...100).map(Int64.init).reversed())
        #expect(result.iterations == 100)
        #expect(result.meanNanoseconds == 50.5)
        #expect(result.medianNanoseconds == 50.5)
        #expect(abs(result.p99Nanoseconds - 99.01) < 1e-9)
        #expect(result.minNanoseconds == 1)
    }

    @Test func runTimesEveryIteration() {
        var calls = 0
        let result = Benchmark("count", iterations: 7, warmupIterations: 2).run { calls += 1 }
        #expect(calls == 9 && result.iterations == 7 && result.name == "count")
    }

    @Test func ratiosAgainstTheReferenceAndOutputForms() throws {
        var report = BenchmarkReport(title: "T", referenceName: "ref")
        report.add(BenchmarkResult(name: "slow thing", samplesInNanoseconds: [3_000_000]), note: "target 2 ms")
        report.add(BenchmarkResult(name: "ref", samplesInNanoseconds: [1_000]))
        #expect(report.rows.map(\.ratioToReference) == [3000, 1])
        let lines = report.table().split(separator: "\n")
        #expect(lines.count == 6 && lines[0] == "T" && lines[1].hasSuffix("wall clock"))
        #expect(lines[4].hasPrefix("slow thing") && lines[4].contains("3.00 ms") && lines[4].contains("3000.00"))
        #expect(lines[4].hasSuffix("target 2 ms"))
        let decoded = try JSONDecoder().decode(BenchmarkReport.self, from: Data(report.json().utf8))
        #expect(decoded.rows == report.rows && decoded.referenceName == "ref")
    }

    @Test func threadCPUClockAdvancesWithWork() {
        let clock = BenchmarkClock.threadCPU
        let start = clock.nowNanoseconds()
        var x: UInt64 = 1
        for i in 0..<2_000_000 { x = x &* 6_364_136_223_846_793_005 &+ UInt64(i) }
        blackHole(x)
        #expect(clock.nowNanoseconds() > start)
        let result = Benchmark("cpu", iterations: 3, warmupIterations: 0, clock: .threadCPU).run { blackHole(x) }
        #expect(result.minNanoseconds >= 0)
    }

    @Test func timeUnits() {
        #expect(BenchmarkReport.formatTime(412) == "412 ns")
        #expect(BenchmarkReport.formatTime(27_500) == "27.5 µs")
        #expect(BenchmarkReport.formatTime(1_234_000) == "1.23 ms")
    }
}
