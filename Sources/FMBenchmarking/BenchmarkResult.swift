/// Summary statistics of one benchmark, in nanoseconds per iteration.
public struct BenchmarkResult: Codable, Sendable, Equatable {
    public var name: String
    public var iterations: Int
    public var meanNanoseconds: Double
    public var medianNanoseconds: Double
    public var p99Nanoseconds: Double
    public var minNanoseconds: Double

    /// Summarises raw per-iteration timings.
    /// - Precondition: at least one sample.
    public init(name: String, samplesInNanoseconds samples: [Int64]) {
        precondition(!samples.isEmpty, "a benchmark result needs at least one sample")
        let sorted = samples.sorted().map(Double.init)
        self.name = name
        iterations = sorted.count
        meanNanoseconds = sorted.reduce(0, +) / Double(sorted.count)
        medianNanoseconds = Self.percentile(0.5, of: sorted)
        p99Nanoseconds = Self.percentile(0.99, of: sorted)
        minNanoseconds = sorted[0]
    }

    public init(
        name: String, iterations: Int, meanNanoseconds: Double, medianNanoseconds: Double,
        p99Nanoseconds: Double, minNanoseconds: Double
    ) {
        self.name = name
        self.iterations = iterations
        self.meanNanoseconds = meanNanoseconds
        self.medianNanoseconds = medianNanoseconds
        self.p99Nanoseconds = p99Nanoseconds
        self.minNanoseconds = minNanoseconds
    }

    /// Linear interpolation between closest ranks of a sorted sample.
    static func percentile(_ p: Double, of sorted: [Double]) -> Double {
        let rank = p * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
