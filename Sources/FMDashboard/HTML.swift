import FMCore
import Foundation

/// Server-rendered HTML, built as strings: every piece of text from outside (guardian names, peer data, log
/// messages, module figures) goes through ``escape(_:)``; only literal markup in this module is left raw.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// An element holding one figure: `id` for tests and links, `data-value` the raw machine value, the text for
    /// people.
    static func figure(_ id: String, value: String, text: String, tag: String = "span", classes: String = "") -> String {
        let cls = classes.isEmpty ? "" : " class=\"\(escape(classes))\""
        return "<\(tag) id=\"\(escape(id))\" data-value=\"\(escape(value))\"\(cls)>\(escape(text))</\(tag)>"
    }

    /// A description list of label → figure HTML.
    static func facts(_ rows: [(label: String, html: String)]) -> String {
        "<dl class=\"facts\">" + rows.map { "<div><dt>\(escape($0.label))</dt><dd>\($0.html)</dd></div>" }.joined() + "</dl>"
    }

    static func table(caption: String, columns: [String], rows: [[String]], id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\(escape($0))\"" } ?? ""
        let head = columns.map { "<th scope=\"col\">\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined()
        return "<div class=\"scroll\"><table\(idAttribute)><caption>\(escape(caption))</caption>"
            + "<thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>"
    }
}

/// How figures read on the dashboard: sat with msat precision, grouped digits, times relative and absolute.
enum Format {
    /// `12 345.678 sat` (msat shown only when not a whole sat).
    static func amount(_ amount: Amount) -> String {
        let sats = grouped(amount.msats / 1000)
        let msats = amount.msats % 1000
        return msats == 0 ? "\(sats) sat" : "\(sats).\(String(format: "%03d", Int(msats))) sat"
    }

    static func sats(_ sats: UInt64) -> String { "\(grouped(sats)) sat" }

    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append("\u{202F}") }
            out.append(digit)
        }
        return out
    }

    /// `seconds` ago, or for a negative value, in the future ("in 5 min").
    static func relative(_ seconds: Double) -> String {
        if seconds <= -1 { return "in " + relative(-seconds).replacingOccurrences(of: " ago", with: "") }
        return switch seconds {
        case ..<1: "just now"
        case ..<90: "\(Int(seconds)) s ago"
        case ..<5400: "\(Int(seconds / 60)) min ago"
        case ..<172_800: "\(Int(seconds / 3600)) h ago"
        default: "\(Int(seconds / 86400)) days ago"
        }
    }

    /// `<time>` with the absolute UTC time as its machine value and tooltip, the relative time as its text.
    static func time(_ date: Date, now: Date) -> String {
        let iso = iso8601(date)
        return "<time datetime=\"\(iso)\" title=\"\(iso)\">\(HTML.escape(relative(now.timeIntervalSince(date))))</time>"
    }

    /// A duration in milliseconds, to three significant figures or whole ms ("0.412 ms", "37.2 ms", "1 204 ms").
    static func milliseconds(micros: UInt64) -> String {
        switch micros {
        case ..<1_000: String(format: "%.3f ms", Double(micros) / 1000)
        case ..<10_000: String(format: "%.2f ms", Double(micros) / 1000)
        case ..<100_000: String(format: "%.1f ms", Double(micros) / 1000)
        default: "\(grouped(micros / 1000)) ms"
        }
    }

    static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
