import Foundation

/// A small time-series line chart as inline SVG, drawn on the server (no charting script). Values become pixel
/// positions only here; the figures shown as text come from the integer sources, never from these doubles.
struct SVGChart {
    struct Series {
        var label: String
        /// CSS class of the line (colours live in the stylesheet).
        var cssClass: String
        /// (seconds since the first sample, value)
        var points: [(Double, Double)]
        /// Draw the parts below zero in the alarm colour.
        var alarmBelowZero = false
    }

    var id: String
    var title: String
    var unit: String
    var series: [Series]
    /// The seconds the x axis spans (default: up to the last point).
    var span: Double? = nil

    static let width = 640.0
    static let height = 180.0
    static let margin = (left: 8.0, right: 8.0, top: 12.0, bottom: 22.0)

    func render() -> String {
        let all = series.flatMap(\.points)
        guard all.count >= 2, let maxT = span ?? all.map(\.0).max(), maxT > 0 else {
            return "<p class=\"muted\" id=\"\(HTML.escape(id))\">\(HTML.escape(title)): collecting samples…</p>"
        }
        let values = all.map(\.1)
        var low = min(values.min() ?? 0, 0)
        var high = values.max() ?? 1
        if high == low { (low, high) = (low - 1, high + 1) }
        let plotWidth = Self.width - Self.margin.left - Self.margin.right
        let plotHeight = Self.height - Self.margin.top - Self.margin.bottom
        func x(_ t: Double) -> String { format(Self.margin.left + t / maxT * plotWidth) }
        func y(_ v: Double) -> String { format(Self.margin.top + (high - v) / (high - low) * plotHeight) }

        let negative = series.contains { $0.alarmBelowZero && $0.points.contains { $0.1 < 0 } }
        var body = ""
        body += "<line class=\"zero\" x1=\"\(x(0))\" x2=\"\(x(maxT))\" y1=\"\(y(0))\" y2=\"\(y(0))\"/>"
        for line in series where line.points.count >= 2 {
            var normal = "", alarm = ""
            for (a, b) in zip(line.points, line.points.dropFirst()) {
                let segment = "M\(x(a.0)) \(y(a.1))L\(x(b.0)) \(y(b.1))"
                if line.alarmBelowZero && (a.1 < 0 || b.1 < 0) { alarm += segment } else { normal += segment }
            }
            if !normal.isEmpty { body += "<path class=\"line \(HTML.escape(line.cssClass))\" d=\"\(normal)\"/>" }
            if !alarm.isEmpty { body += "<path class=\"line alarm\" d=\"\(alarm)\"/>" }
        }
        body += "<text x=\"\(x(0))\" y=\"\(format(Self.height - 6))\">\(HTML.escape(minutesAgo(maxT)))</text>"
        body += "<text x=\"\(x(maxT))\" y=\"\(format(Self.height - 6))\" text-anchor=\"end\">now</text>"
        body += "<text x=\"\(x(0))\" y=\"\(format(Self.margin.top - 2))\">max \(HTML.escape(label(high)))</text>"
        let legend = series.map { "<li class=\"\(HTML.escape($0.cssClass))\">\(HTML.escape($0.label))</li>" }.joined()
        let summary = series.map { "\($0.label): \(label($0.points.last?.1 ?? 0))" }.joined(separator: "; ")
        return """
            <figure class="chart\(negative ? " negative" : "")" id="\(HTML.escape(id))">\
            <svg viewBox="0 0 \(format(Self.width)) \(format(Self.height))" role="img" aria-label="\(HTML.escape("\(title). Latest: \(summary)"))" preserveAspectRatio="none">\
            \(body)</svg><figcaption>\(HTML.escape(title))<ul class="legend">\(legend)</ul></figcaption></figure>
            """
    }

    private func label(_ value: Double) -> String { "\(String(format: "%.0f", value)) \(unit)" }

    private func minutesAgo(_ seconds: Double) -> String {
        seconds < 120 ? "\(Int(seconds)) s ago" : "\(Int(seconds / 60)) min ago"
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
