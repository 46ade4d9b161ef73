import FMCore
import FMServer
import FMServerCore
import Foundation

/// One warning or error of the guardian's log, for the logs page (fm-node passes its ring of recent records).
public struct DashboardLogRecord: Sendable {
    public var date: Date
    public var level: String
    public var source: String
    public var message: String
    public init(date: Date, level: String, source: String, message: String) {
        self.date = date
        self.level = level
        self.source = source
        self.message = message
    }
}

/// The dashboard's pages. Each renders its live part (the `<main>` content) from a snapshot; ``DashboardLayout``
/// wraps it in the page chrome, and the live updates send the same fragment again every second.
enum DashboardPage: String, CaseIterable, Sendable {
    case overview, audit, ecash, bitcoin, lightning, logs

    var path: String { self == .overview ? "/" : "/\(rawValue)" }

    var title: String {
        switch self {
        case .overview: "Overview"
        case .audit: "Audit"
        case .ecash: "E-cash"
        case .bitcoin: "Bitcoin"
        case .lightning: "Lightning"
        case .logs: "Logs"
        }
    }

    /// The module kind whose report this page shows.
    var moduleKind: String? {
        switch self {
        case .ecash: "mint"
        case .bitcoin: "wallet"
        case .lightning: "ln"
        default: nil
        }
    }

    struct Input {
        var snapshot: DashboardSnapshot
        var history: DashboardHistory
        var logs: [DashboardLogRecord]
        var now: Date
    }

    func renderLive(_ input: Input) -> String {
        let banner = DashboardPage.banner(input.snapshot)
        let body: String = switch self {
        case .overview: OverviewPage.render(input)
        case .audit: AuditPage.render(input)
        case .ecash, .bitcoin, .lightning: ModulePage.render(input, kind: moduleKind ?? "", page: self)
        case .logs: LogsPage.render(input)
        }
        let updated = "<p class=\"updated\">Read from the guardian \(Format.time(input.snapshot.takenAt, now: input.now)) "
            + "(\(HTML.escape(Format.iso8601(input.snapshot.takenAt))))</p>"
        return banner + "<h1>\(HTML.escape(title))</h1>" + body + updated
    }

    /// The alarms every page repeats at its top: guardian state unreadable, halted, insolvent, peers unreachable.
    static func banner(_ snapshot: DashboardSnapshot) -> String {
        var alerts: [String] = []
        if case .failure(let error) = snapshot.status {
            alerts.append("The guardian's state could not be read: \(error).")
        }
        if case .success(let status) = snapshot.status, let reason = status.haltedReason {
            alerts.append("This guardian is HALTED and applies no block: \(reason)")
        }
        if case .success(let audit) = snapshot.audit, !audit.solvent {
            alerts.append("The audit is NEGATIVE: liabilities exceed assets.")
        }
        let down = snapshot.unreachablePeers
        if !down.isEmpty {
            let names = down.map { peer -> String in "guardian \(peer.peerId.rawValue) (\(peer.name))" }.joined(separator: ", ")
            let connected = snapshot.peers.count - down.count
            let consequence = snapshot.hasQuorum
                ? "consensus continues with \(connected) of \(snapshot.peers.count) (needs \(snapshot.threshold))"
                : "consensus CANNOT progress: \(connected) of \(snapshot.peers.count) connected, \(snapshot.threshold) needed"
            alerts.append("Unreachable: \(names); \(consequence).")
        }
        guard !alerts.isEmpty else { return "" }
        return "<section class=\"alerts\" role=\"alert\" id=\"alerts\">"
            + alerts.map { alert -> String in "<p>\(HTML.escape(alert))</p>" }.joined() + "</section>"
    }
}

/// The layout around every page, and the login page.
enum DashboardLayout {
    static func page(_ page: DashboardPage, live: String, guardian: String, csrfToken: String) -> String {
        // `-> String`: GRDB's SQL is also built from string interpolations, and its `joined()` would win.
        let links = DashboardPage.allCases.map { item -> String in
            let current = item == page ? " aria-current=\"page\"" : ""
            return "<li><a href=\"\(item.path)\"\(current)>\(HTML.escape(item.title))</a></li>"
        }.joined()
        return document(title: "\(page.title) · \(guardian)", body: """
            <a class="skip" href="#live">Skip to content</a>
            <header><p class="brand">\(HTML.escape(guardian))</p>
            <nav aria-label="Dashboard pages"><ul>\(links)</ul></nav>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(HTML.escape(csrfToken))">\
            <button type="submit">Log out</button></form></header>
            <main id="live" data-page="\(page.rawValue)" tabindex="-1">\(live)</main>
            <footer><p id="connection" role="status">Updates live every second.</p></footer>
            """)
    }

    static func login(message: String?, csrfToken: String) -> String {
        let notice = message.map { "<p class=\"alerts\" role=\"alert\" id=\"login-error\">\(HTML.escape($0))</p>" } ?? ""
        return document(title: "Log in · fm guardian", body: """
            <main id="login"><h1>fm guardian dashboard</h1>\(notice)
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrfToken))">
            <label for="password">Operator password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Log in</button></form></main>
            """)
    }

    private static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer"><title>\(HTML.escape(title))</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/dashboard.js" defer></script></head>
        <body>\(body)</body></html>
        """
    }
}
