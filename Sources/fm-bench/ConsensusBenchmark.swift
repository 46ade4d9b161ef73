import ArgumentParser
import FMBenchmarking
import FMConsensus
import FMCore
import FMServer
import Foundation

extension FMBench {
    /// `fm-bench consensus`: 4 guardians over loopback TLS with SQLite, finalizing submitted items.
    struct Consensus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Consensus throughput and submit→finalize latency, n = 4 over loopback TLS with SQLite.",
            discussion: """
                Runs four guardians in this process (Simplex engine, pinned mutual-TLS peer network, SQLite store
                with synchronous=FULL, BIP-340 vote signatures). Two phases:
                  light load: items submitted one every --interval ms, round-robin to the guardians;
                  saturation: --burst items submitted at once; throughput = items / time until all four finalized.
                Latency is from submit() returning at a guardian to that guardian seeing the item finalized.
                Example: swift run -c release fm-bench consensus --scale 0.5
                """)

        @OptionGroup var options: BenchmarkOptions

        @Option(help: ArgumentHelp("Milliseconds between submissions in the light-load phase.", valueName: "ms"))
        var interval: Int = 20

        @Option(help: ArgumentHelp("Bytes per item (a typical e-cash transaction is a few hundred).", valueName: "bytes"))
        var itemSize: Int = 300

        func run() async throws {
            let report = try await ConsensusBenchmarkSuite(
                lightItems: options.iterations(200), burstItems: options.iterations(4_000),
                interval: .milliseconds(interval), itemSize: itemSize
            ).run()
            print(options.json ? try report.json() : report.table())
        }
    }
}

/// The measurement behind `fm-bench consensus`.
struct ConsensusBenchmarkSuite {
    let lightItems: Int
    let burstItems: Int
    let interval: Duration
    let itemSize: Int

    func run() async throws -> BenchmarkReport {
        let federation = try await LoopbackFederation(size: 4)
        var guardians: [LoopbackGuardian] = []
        for peer in federation.peers { guardians.append(try await federation.start(peer)) }
        defer { _ = guardians }

        var report = BenchmarkReport(title: "consensus, n = 4, loopback TLS + SQLite (synchronous=FULL)")
        _ = try await measure(guardians, count: 20, tag: "warmup", pacing: interval)  // connections, caches

        let light = try await measure(guardians, count: lightItems, tag: "light", pacing: interval)
        report.add(
            BenchmarkResult(name: "submit→finalize (light load)", samplesInNanoseconds: light.latencies),
            note: String(format: "1 item per %d ms; brief target: reissue p50 < 100 ms", interval.milliseconds))

        let burst = try await measure(guardians, count: burstItems, tag: "burst", pacing: nil)
        let throughput = Double(burstItems) / burst.elapsedSeconds
        report.add(
            BenchmarkResult(name: "submit→finalize (saturation)", samplesInNanoseconds: burst.latencies),
            note: String(
                format: "throughput %.0f items/s (%d items in %.2f s, %.0f items per block)", throughput, burstItems,
                burst.elapsedSeconds, Double(burstItems) / max(burst.blocks, 1)))

        for guardian in guardians { try await guardian.stop() }
        return report
    }

    struct Phase {
        var latencies: [Int64]
        var elapsedSeconds: Double
        var blocks: Double
    }

    /// Submits `count` distinct items round-robin (paced, or all at once) and waits until every guardian finalized
    /// them all.
    private func measure(
        _ guardians: [LoopbackGuardian], count: Int, tag: String, pacing: Duration?
    ) async throws -> Phase {
        let items = (0..<count).map { index -> [UInt8] in
            var item = Array("\(tag) \(index) ".utf8)
            item += [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: max(0, itemSize - item.count))
            return item
        }
        let blocksBefore = guardians[0].finalized.count
        let start = ContinuousClock.now
        // Submission instants, per item index; guardian k takes items k, k+4, ...
        let submitted = try await withThrowingTaskGroup(of: [(Int, ContinuousClock.Instant)].self) { group in
            for (k, guardian) in guardians.enumerated() {
                group.addTask {
                    var times: [(Int, ContinuousClock.Instant)] = []
                    for index in stride(from: k, to: items.count, by: guardians.count) {
                        if let pacing {
                            try await ContinuousClock().sleep(until: start + pacing * index)
                        }
                        try await guardian.driver.submit(item: items[index])
                        times.append((index, ContinuousClock.now))
                    }
                    return times
                }
            }
            var all: [Int: ContinuousClock.Instant] = [:]
            for try await times in group { for (index, time) in times { all[index] = time } }
            return all
        }
        let wanted = Set(items)
        let deadline = ContinuousClock.now + .seconds(120)
        while !guardians.allSatisfy({ wanted.isSubset(of: Set($0.finalizedItems)) }) {
            guard ContinuousClock.now < deadline else { throw ValidationError("items were not finalized within 2 minutes") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let end = guardians.compactMap { guardian in
            guardian.finalizedWithTimes.last { !Set($0.block.items).isDisjoint(with: wanted) }?.seen
        }.max() ?? ContinuousClock.now

        // Latency at the guardian the item was submitted to.
        var latencies: [Int64] = []
        for (k, guardian) in guardians.enumerated() {
            var seen: [[UInt8]: ContinuousClock.Instant] = [:]
            for (block, time) in guardian.finalizedWithTimes { for item in block.items { seen[item] = time } }
            for index in stride(from: k, to: items.count, by: guardians.count) {
                guard let finalized = seen[items[index]], let submittedAt = submitted[index] else { continue }
                latencies.append(Self.nanoseconds(finalized - submittedAt))
            }
        }
        return Phase(
            latencies: latencies, elapsedSeconds: Double(Self.nanoseconds(end - start)) / 1e9,
            blocks: Double(guardians[0].finalized.count - blocksBefore))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension Duration {
    fileprivate var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
