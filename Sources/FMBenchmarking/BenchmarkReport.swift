import Foundation

/// A set of results printed together: an aligned table for people, JSON for
/// scripts. Each row may carry a ratio against a reference measured in the
/// same run and a free-text note (e.g. the figure to beat).
public struct BenchmarkReport: Codable, Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public var result: BenchmarkResult
        /// Mean of this row divided by the mean of the report's reference row.
        public var ratioToReference: Double?
        public var note: String?
    }

    public var title: String
    /// Name of the row that ratios are taken against, if any.
    public var referenceName: String?
    /// What the times measure, printed under the title.
    public var clock: BenchmarkClock
    public private(set) var rows: [Row] = []

    public init(title: String, referenceName: String? = nil, clock: BenchmarkClock = .wall) {
        self.title = title
        self.referenceName = referenceName
        self.clock = clock
    }

    /// Appends a result; ratios are recomputed whenever the reference row is present.
    public mutating func add(_ result: BenchmarkResult, note: String? = nil) {
        rows.append(Row(result: result, ratioToReference: nil, note: note))
        updateRatios()
    }

    public var results: [BenchmarkResult] { rows.map(\.result) }

    private mutating func updateRatios() {
        guard let referenceName,
            let reference = rows.first(where: { $0.result.name == referenceName })?.result,
            reference.meanNanoseconds > 0
        else { return }
        for i in rows.indices {
            rows[i].ratioToReference = rows[i].result.meanNanoseconds / reference.meanNanoseconds
        }
    }

    /// The aligned text table (times in the most readable unit).
    public func table() -> String {
        var header = ["benchmark", "iters", "mean", "median", "p99"]
        if referenceName != nil { header.append("× \(referenceName!)") }
        header.append("note")
        var lines = [header]
        for row in rows {
            var line = [
                row.result.name, String(row.result.iterations),
                Self.formatTime(row.result.meanNanoseconds),
                Self.formatTime(row.result.medianNanoseconds),
                Self.formatTime(row.result.p99Nanoseconds),
            ]
            if referenceName != nil { line.append(row.ratioToReference.map { String(format: "%.2f", $0) } ?? "-") }
            line.append(row.note ?? "")
            lines.append(line)
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        let numeric = Set(1..<(header.count - 1))
        func render(_ line: [String]) -> String {
            line.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        let subtitle = "times per operation, \(clock == .wall ? "wall clock" : "thread CPU time")"
        return ([title, subtitle, render(lines[0]), rule] + lines.dropFirst().map(render)).joined(separator: "\n")
    }

    /// Pretty-printed JSON with stable key order.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// "412 ns", "27.5 µs", "1.23 ms", "2.01 s".
    public static func formatTime(_ nanoseconds: Double) -> String {
        switch nanoseconds {
        case ..<1_000: String(format: "%.0f ns", nanoseconds)
        case ..<1_000_000: String(format: "%.1f µs", nanoseconds / 1_000)
        case ..<1_000_000_000: String(format: "%.2f ms", nanoseconds / 1_000_000)
        default: String(format: "%.2f s", nanoseconds / 1_000_000_000)
        }
    }
}
