import FMServer
import Foundation

/// The overview's latency and throughput: figures for the last minute and two graphs of the last ten minutes, all
/// drawn from the guardian's own record of applied blocks (``GuardianActivity``, the same events `/metrics`
/// counts): the interval between blocks, the time from a transaction's submission at this guardian's API to the
/// block that accepted it (a reissue's wait), and accepted transactions and blocks per minute.
struct PerformancePanel {
    static let window: TimeInterval = 600
    static let bucket: TimeInterval = 10

    var blocks: [GuardianActivity.AppliedBlock]
    var now: Date

    func render() -> String {
        // The last 10 minutes, or since the first block kept if later (at least a minute): a guardian that just
        // started shows its first minutes across the whole width.
        let first = blocks.first { now.timeIntervalSince($0.appliedAt) <= Self.window }?.appliedAt ?? now
        let span = min(Self.window, max(60, (now.timeIntervalSince(first) / Self.bucket).rounded(.up) * Self.bucket))
        let start = now.addingTimeInterval(-span)
        let shown = blocks.filter { $0.appliedAt >= start }
        let lastMinute = shown.filter { now.timeIntervalSince($0.appliedAt) <= 60 }
        let transactions = lastMinute.reduce(UInt64(0)) { $0 + $1.acceptedTransactions }
        let intervals = lastMinute.compactMap(\.interval)
        let latencies = lastMinute.flatMap(\.latencies)
        func median(_ values: [Duration], id: String) -> String {
            guard let middle = Self.median(values) else { return HTML.figure(id, value: "", text: "none in the last minute") }
            let micros = Self.micros(middle)
            return HTML.figure(id, value: "\(micros)", text: Format.milliseconds(micros: micros))
        }
        var out = "<section aria-labelledby=\"h-perf\"><h2 id=\"h-perf\">Latency and throughput</h2>" + HTML.facts([
            ("Transactions accepted, last minute", HTML.figure("perf-transactions-minute", value: "\(transactions)", text: Format.grouped(transactions))),
            ("Blocks applied, last minute", HTML.figure("perf-blocks-minute", value: "\(lastMinute.count)", text: "\(lastMinute.count)")),
            ("Median block interval, last minute", median(intervals, id: "perf-block-interval")),
            ("Median submit → accepted at this guardian, last minute", median(latencies, id: "perf-transaction-latency")),
        ])
        func seconds(_ date: Date) -> Double { date.timeIntervalSince(start) }
        out += SVGChart(
            id: "chart-latency", title: "Latency (ms), \(Self.minutes(span)): block interval and a transaction's submit → accepted",
            unit: "ms",
            series: [
                .init(label: "block interval", cssClass: "interval", points: shown.compactMap { block in
                    block.interval.map { (seconds(block.appliedAt), Double(Self.micros($0)) / 1000) }
                }),
                .init(label: "submit → accepted", cssClass: "latency", points: shown.flatMap { block in
                    block.latencies.map { (seconds(block.appliedAt), Double(Self.micros($0)) / 1000) }
                }),
            ],
            span: span
        ).render()
        let buckets = Int(span / Self.bucket)
        var perBucket = [(transactions: UInt64, blocks: UInt64)](repeating: (0, 0), count: buckets)
        for block in shown {
            let index = min(buckets - 1, max(0, Int(seconds(block.appliedAt) / Self.bucket)))
            perBucket[index].transactions += block.acceptedTransactions
            perBucket[index].blocks += 1
        }
        let perMinute = 60 / Self.bucket
        func series(_ value: ((transactions: UInt64, blocks: UInt64)) -> UInt64) -> [(Double, Double)] {
            perBucket.enumerated().map { (Double($0.offset + 1) * Self.bucket, Double(value($0.element)) * perMinute) }
        }
        out += SVGChart(
            id: "chart-throughput", title: "Throughput per minute, \(Self.minutes(span)), in 10 s steps", unit: "/min",
            series: [
                .init(label: "transactions accepted", cssClass: "transactions", points: series { $0.transactions }),
                .init(label: "blocks applied", cssClass: "blocks", points: series { $0.blocks }),
            ],
            span: span
        ).render()
        return out + "</section>"
    }

    static func minutes(_ seconds: TimeInterval) -> String {
        seconds < 120 ? "last \(Int(seconds)) s" : "last \(Int(seconds / 60)) min"
    }

    static func median(_ values: [Duration]) -> Duration? {
        values.isEmpty ? nil : values.sorted()[values.count / 2]
    }

    static func micros(_ duration: Duration) -> UInt64 { duration.wholeUnits(perSecond: 1_000_000) }
}
