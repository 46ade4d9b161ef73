/// Times a closure: warm-up runs, then `iterations` timed runs, each run
/// timed on its own so that median and tail latencies can be reported.
public struct Benchmark: Sendable {
    public var name: String
    public var iterations: Int
    public var warmupIterations: Int
    public var clock: BenchmarkClock

    /// - Precondition: `iterations >= 1`, `warmupIterations >= 0`.
    public init(_ name: String, iterations: Int, warmupIterations: Int = 3, clock: BenchmarkClock = .wall) {
        precondition(iterations >= 1 && warmupIterations >= 0, "need at least one timed iteration")
        self.name = name
        self.iterations = iterations
        self.warmupIterations = warmupIterations
        self.clock = clock
    }

    /// Runs `body` warm-up + timed times; `body`'s result is kept alive so the
    /// optimizer cannot drop the work.
    public func run<Result>(_ body: () throws -> Result) rethrows -> BenchmarkResult {
        for _ in 0..<warmupIterations { blackHole(try body()) }
        var samples: [Int64] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = clock.nowNanoseconds()
            blackHole(try body())
            samples.append(clock.nowNanoseconds() - start)
        }
        return BenchmarkResult(name: name, samplesInNanoseconds: samples)
    }

    /// Async variant, for operations that suspend (network round trips, actors).
    /// Always wall-clock: a suspended body may resume on another thread.
    public func run<Result>(_ body: () async throws -> Result) async rethrows -> BenchmarkResult {
        for _ in 0..<warmupIterations { blackHole(try await body()) }
        var samples: [Int64] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = BenchmarkClock.wall.nowNanoseconds()
            blackHole(try await body())
            samples.append(BenchmarkClock.wall.nowNanoseconds() - start)
        }
        return BenchmarkResult(name: name, samplesInNanoseconds: samples)
    }
}

/// Consumes a value opaquely so that computing it cannot be optimized away.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
