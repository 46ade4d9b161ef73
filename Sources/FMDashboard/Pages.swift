import FMCore
import FMServer
import FMServerCore
import Foundation

/// Overview: the federation, this guardian, consensus progress, every peer's link, block throughput.
enum OverviewPage {
    static func render(_ input: DashboardPage.Input) -> String {
        let snapshot = input.snapshot
        var out = ""
        switch snapshot.status {
        case .failure(let error):
            out += "<p class=\"alerts\">Status unavailable: \(HTML.escape(error.description))</p>"
        case .success(let status):
            let own = snapshot.peers.first { $0.isSelf }
            let digest = status.stateDigest
            let agreement: String = switch digest {
            case nil: "no digest yet"
            case .some(let digest) where digest.mismatchCount == 0: "agrees with every digest received"
            case .some(let digest): "\(digest.mismatchCount) MISMATCHES with other guardians"
            }
            out += "<section aria-labelledby=\"h-fed\"><h2 id=\"h-fed\">Federation and guardian</h2>" + HTML.facts([
                ("Federation id", HTML.figure("federation-id", value: "\(status.federationId)", text: "\(status.federationId)", classes: "id")),
                ("This guardian", HTML.figure(
                    "guardian-id", value: "\(status.peerId.rawValue)",
                    text: "guardian \(status.peerId.rawValue)\(own.map { " (\($0.name))" } ?? "")")),
                ("Guardians", HTML.figure("guardian-count", value: "\(snapshot.peers.count)", text: "\(snapshot.peers.count), threshold \(snapshot.threshold)")),
                ("Version", HTML.figure("version", value: status.version, text: status.version)),
                ("Mode", HTML.figure("dev-mode", value: "\(snapshot.devMode)", text: snapshot.devMode ? "dev (test e-cash allowed)" : "production")),
            ]) + "</section>"
            out += "<section aria-labelledby=\"h-cons\"><h2 id=\"h-cons\">Consensus</h2>" + HTML.facts([
                ("Running", HTML.figure("consensus-running", value: "\(status.consensusRunning)", text: status.consensusRunning ? "yes" : "NO")),
                ("Block height (applied)", HTML.figure("block-height", value: "\(status.blockHeight)", text: Format.grouped(status.blockHeight))),
                ("Blocks finalized", HTML.figure("finalized-blocks", value: "\(status.finalizedBlocks)", text: Format.grouped(status.finalizedBlocks))),
                ("Consensus iteration", HTML.figure("consensus-iteration", value: "\(status.consensusIteration)", text: Format.grouped(status.consensusIteration))),
                ("Pending items", HTML.figure("pending-items", value: "\(status.pendingItems)", text: "\(status.pendingItems)")),
                ("Rejected / late peer messages", HTML.figure(
                    "peer-messages", value: "\(status.rejectedPeerMessages)/\(status.stalePeerMessages)",
                    text: "\(status.rejectedPeerMessages) rejected, \(status.stalePeerMessages) late")),
                ("State digest", HTML.figure(
                    "state-digest", value: digest?.digest ?? "",
                    text: digest.flatMap { d in d.digest.map { "\($0.prefix(16))… at height \(d.height ?? 0)" } } ?? "none yet",
                    classes: "id")),
                ("Digest agreement", HTML.figure(
                    "digest-agreement", value: "\(digest?.mismatchCount ?? 0)", text: agreement,
                    classes: (digest?.mismatchCount ?? 0) > 0 ? "bad" : "")),
            ]) + "</section>"
        }
        out += "<section aria-labelledby=\"h-peers\"><h2 id=\"h-peers\">Guardians</h2>" + HTML.table(
            caption: "Peer links as this guardian sees them",
            columns: ["Guardian", "Name", "State", "Round trip", "Last message", "Frames sent / received", "Connections", "Queued"],
            rows: snapshot.peers.map { peer in
                let id = "peer-\(peer.peerId.rawValue)"
                let state = peer.isSelf ? "self" : peer.isConnected ? "up" : "down"
                let stateText = peer.isSelf ? "this guardian" : peer.isConnected ? "connected" : "DOWN"
                let roundTrip = peer.isSelf ? "—" : HTML.figure(
                    "\(id)-rtt", value: peer.roundTripMicros.map { "\($0)" } ?? "",
                    text: peer.roundTripMicros.map { Format.milliseconds(micros: $0) } ?? "not measured")
                // The age as `status` reported it at the read, shown as a time (the page is re-rendered each second).
                let last = peer.isSelf ? "—" : peer.lastMessageAgeMillis.map { age in
                    "<span id=\"\(id)-age\" data-value=\"\(age)\">"
                        + Format.time(snapshot.takenAt.addingTimeInterval(-Double(age) / 1000), now: input.now) + "</span>"
                } ?? HTML.figure("\(id)-age", value: "", text: "never")
                return [
                    "\(peer.peerId.rawValue)", HTML.escape(peer.name),
                    HTML.figure("\(id)-state", value: state, text: stateText, classes: "state \(state)"),
                    roundTrip, last, peer.isSelf ? "—" : "\(peer.framesSent) / \(peer.framesReceived)",
                    peer.isSelf ? "—" : "\(peer.connections)", peer.isSelf ? "—" : "\(peer.outboundQueued)",
                ]
            }, id: "peers") + "</section>"
        out += PerformancePanel(blocks: snapshot.blocks, now: input.now).render()
        let samples = input.history.samples
        let start = samples.first?.takenAt ?? input.now
        let rate = input.history.perMinute { $0.blockHeight }.map { String(format: "%.1f blocks per minute", $0) } ?? "measuring…"
        out += "<section aria-labelledby=\"h-tp\"><h2 id=\"h-tp\">Block height</h2><p>\(HTML.escape(rate)) over the last minute.</p>"
            + SVGChart(
                id: "chart-height", title: "Applied block height, last \(samples.count) s", unit: "",
                series: [.init(
                    label: "block height", cssClass: "height",
                    points: samples.map { ($0.takenAt.timeIntervalSince(start), Double($0.blockHeight)) })]
            ).render() + "</section>"
        return out
    }
}

/// Audit: assets and liabilities per module and in total, and the net over time (red below zero).
enum AuditPage {
    static func render(_ input: DashboardPage.Input) -> String {
        guard case .success(let audit) = input.snapshot.audit else {
            if case .failure(let error) = input.snapshot.audit {
                return "<p class=\"alerts\">Audit unavailable: \(HTML.escape(error.description))</p>"
            }
            return ""
        }
        let solvent = audit.assets >= audit.liabilities
        let net = solvent ? audit.assets.msats - audit.liabilities.msats : audit.liabilities.msats - audit.assets.msats
        let netText = (solvent ? "" : "−") + Format.amount(Amount(msats: net))
        var out = "<section aria-labelledby=\"h-total\"><h2 id=\"h-total\">Federation total</h2>" + HTML.facts([
            ("Assets", amountFigure("audit-assets", audit.assets)),
            ("Liabilities", amountFigure("audit-liabilities", audit.liabilities)),
            ("Assets − liabilities", HTML.figure(
                "audit-net", value: (solvent ? "" : "-") + "\(net)", text: netText, classes: solvent ? "good" : "bad")),
            ("Solvent", HTML.figure("audit-solvent", value: "\(audit.solvent)", text: audit.solvent ? "yes" : "NO", classes: audit.solvent ? "good" : "bad")),
        ]) + "</section>"
        out += "<section aria-labelledby=\"h-mod\"><h2 id=\"h-mod\">Per module</h2>" + HTML.table(
            caption: "Each module's audit (msat precision)", columns: ["Module", "Kind", "Assets", "Liabilities"],
            rows: audit.modules.map { module in
                let id = "audit-\(module.kind.rawValue)-\(module.instance.rawValue)"
                return [
                    "\(module.instance.rawValue)", HTML.escape(module.kind.rawValue),
                    amountFigure("\(id)-assets", module.assets), amountFigure("\(id)-liabilities", module.liabilities),
                ]
            }, id: "audit-modules") + "</section>"
        let samples = input.history.samples
        let start = samples.first?.takenAt ?? input.now
        func series(_ label: String, _ css: String, alarm: Bool = false, _ value: (DashboardSample) -> Double) -> SVGChart.Series {
            .init(label: label, cssClass: css, points: samples.map { ($0.takenAt.timeIntervalSince(start), value($0)) }, alarmBelowZero: alarm)
        }
        out += "<section aria-labelledby=\"h-series\"><h2 id=\"h-series\">Over time</h2>" + SVGChart(
            id: "chart-audit", title: "Assets, liabilities and their difference (sat), last \(samples.count) s", unit: "sat",
            series: [
                series("assets", "assets") { Double($0.assets) / 1000 },
                series("liabilities", "liabilities") { Double($0.liabilities) / 1000 },
                series("assets − liabilities", "net", alarm: true) { (Double($0.assets) - Double($0.liabilities)) / 1000 },
            ]
        ).render() + "</section>"
        return out
    }

    static func amountFigure(_ id: String, _ amount: Amount) -> String {
        HTML.figure(id, value: "\(amount.msats)", text: Format.amount(amount), classes: "amount")
    }
}

/// E-cash and bitcoin: the module's own report (``ModuleDashboardReport``), rendered generically.
enum ModulePage {
    static func render(_ input: DashboardPage.Input, kind: String, page: DashboardPage) -> String {
        let modules = input.snapshot.modules.filter { $0.kind.rawValue == kind }
        guard !modules.isEmpty else {
            return "<p id=\"\(kind)-absent\">This federation runs no \(HTML.escape(kind)) module.</p>"
        }
        var out = ""
        if page == .ecash {
            let rate = input.history.perMinute { $0.notesRedeemed }.map { String(format: "%.1f", $0) } ?? "measuring…"
            out += HTML.facts([("Notes redeemed per minute (last minute)", HTML.figure("mint-redeemed-per-minute", value: rate, text: rate))])
        }
        for module in modules {
            let prefix = modules.count == 1 ? kind : "\(kind)-\(module.instance.rawValue)"
            out += "<section aria-label=\"\(HTML.escape("Module \(module.instance.rawValue) (\(kind))"))\">"
            switch module.report {
            case .failure(let error):
                out += "<p class=\"alerts\">Could not read the \(HTML.escape(kind)) module: \(HTML.escape(error.description))</p>"
            case .success(let report):
                out += HTML.facts(report.facts.map { fact in (fact.label, value(fact.value, id: "\(prefix)-\(fact.key)", now: input.now)) })
                for table in report.tables {
                    if table.rows.isEmpty {
                        out += "<h2>\(HTML.escape(table.caption))</h2><p id=\"\(HTML.escape("\(prefix)-\(table.key)"))\">\(HTML.escape(table.emptyText))</p>"
                    } else {
                        out += HTML.table(
                            caption: table.caption, columns: table.columns,
                            rows: table.rows.map { $0.map { value($0, id: nil, now: input.now) } }, id: "\(prefix)-\(table.key)")
                    }
                }
            }
            out += "</section>"
        }
        return out
    }

    static func value(_ value: ModuleDashboardValue, id: String?, now: Date) -> String {
        // A moment after 2100 is not a time anyone set: shown as the raw number.
        if case .unixTime(let seconds) = value, seconds <= 4_102_444_800 {
            let time = Format.time(Date(timeIntervalSince1970: TimeInterval(seconds)), now: now)
            guard let id else { return time }
            return "<span id=\"\(HTML.escape(id))\" data-value=\"\(seconds)\">\(time)</span>"
        }
        let (raw, text, css): (String, String, String) = switch value {
        case .unixTime(let seconds): ("\(seconds)", "\(seconds) (unix time)", "")
        case .amount(let amount): ("\(amount.msats)", Format.amount(amount), "amount")
        case .sats(let sats): ("\(sats)", Format.sats(sats), "amount")
        case .count(let count): ("\(count)", Format.grouped(count), "count")
        case .text(let text): (text, text, "")
        case .identifier(let text): (text, text, "id")
        }
        guard let id else { return "<span class=\"\(css)\">\(HTML.escape(text))</span>" }
        return HTML.figure(id, value: raw, text: text, classes: css)
    }
}

/// Logs: the guardian's recent warnings and errors, newest first.
enum LogsPage {
    static func render(_ input: DashboardPage.Input) -> String {
        guard !input.logs.isEmpty else {
            return "<p id=\"logs-empty\">No warning or error since the guardian started.</p>"
        }
        return HTML.table(
            caption: "The last \(input.logs.count) warnings and errors (kept in memory, at most 200)",
            columns: ["Time", "Level", "Source", "Message"],
            rows: input.logs.reversed().map { record in
                let iso = Format.iso8601(record.date)
                return [
                    "\(Format.time(record.date, now: input.now))<br><span class=\"muted\">\(HTML.escape(iso))</span>",
                    "<span class=\"level \(HTML.escape(record.level))\">\(HTML.escape(record.level))</span>",
                    HTML.escape(record.source), "<span class=\"message\">\(HTML.escape(record.message))</span>",
                ]
            }, id: "logs")
    }
}
