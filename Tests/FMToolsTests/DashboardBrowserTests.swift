import FMTesting
import Foundation
import Testing

/// The operator dashboard in a real browser (issue 18): Debian's chromium, headless, driven by selenium through
/// chromedriver (`dashboard/browse.py`), against a 4-guardian federation of fm-node processes with e-cash traffic.
/// Guardian 0 serves the dashboard. Screenshots of every page go to `.build/dashboard-screenshots/` (CI keeps
/// them; the current ones are copied to docs/images/ by hand).
///
/// Skipped when chromium, chromedriver or selenium is missing, unless `FM_REQUIRE_ORACLES=1` (CI, where bin/lib.sh
/// installs them): then it runs and fails.
@Suite(.serialized) struct DashboardBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("dashboard/browse.py")
    static let chromium = ProcessInfo.processInfo.environment["FM_CHROMIUM"] ?? "/usr/bin/chromium"
    static let chromedriver = ProcessInfo.processInfo.environment["FM_CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/dashboard-screenshots")
    static let password = "operator password 18"

    static var browserPresent: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: chromedriver)
            && PythonOracle.has("selenium")
    }

    @Test(
        "every page holds the figures fm-node status/audit report, a stopped peer shows down, a wrong password is refused, no secret appears",
        .enabled(if: PythonOracle.required || browserPresent, "chromium, chromedriver or selenium missing (bin/test installs them)"))
    func dashboardInABrowser() throws {
        try #require(Self.browserPresent, "FM_REQUIRE_ORACLES=1 but chromium (\(Self.chromium)), chromedriver or selenium is missing")
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let work = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let hashFile = work.appendingPathComponent("dashboard.hash")
        let hashed = try ToolRunner.run("fm-node", ["dashboard-password", "--out", hashFile.path], stdin: Self.password + "\n")
        try #require(hashed.status == 0, "\(hashed.stderr)")
        let hashLine = try String(contentsOf: hashFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let mode = try FileManager.default.attributesOfItem(atPath: hashFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!hashLine.contains(Self.password))

        let dashboardPort = try #require((18_180..<18_200).first(where: EcashFederation.isFree), "no free port for the dashboard")
        let base = "http://127.0.0.1:\(dashboardPort)"
        let federation = try EcashFederation(
            basePort: 18_120,
            arguments: [0: ["--dashboard-bind", "127.0.0.1:\(dashboardPort)", "--dashboard-password-file", hashFile.path]])
        defer { federation.stop() }

        // Traffic: two clients, an issuance, a payment and its reissue.
        try federation.join("alice", "bob")
        #expect(try federation.mint("alice", ["dev-issue", "20000"]).status == 0)
        let notes = try federation.spend("alice", 5_000)
        #expect(try federation.mint("bob", ["reissue", notes]).status == 0)
        Thread.sleep(forTimeInterval: 3)  // a few samples for the graphs

        // Every page, logged in, between two reads of status and audit.
        let statusBefore = try federation.status(0)
        let auditBefore = try federation.audit(0)
        let pages = try Self.browse(["pages", base, Self.password, Self.screenshots.path])
        let statusAfter = try federation.status(0)
        let audit = try federation.audit(0)
        #expect(NSDictionary(dictionary: auditBefore) == NSDictionary(dictionary: audit), "the audit moved while the pages were read")
        try checkPages(pages, status: (statusBefore, statusAfter), audit: audit)
        try checkNoSecret(in: federation, hashLine: hashLine)
        try checkLinks(federation: federation, base: base)

        // A wrong password: refused, no session, the pages still send to the login.
        let wrong = try Self.browse(["wrong", base, "not the password"])
        #expect((wrong["url"] as? String)?.hasSuffix("/login") == true)
        #expect(wrong["error"] as? String == "Wrong password.")
        #expect(!((wrong["cookies"] as? [String]) ?? []).contains("fm_dashboard_session"))
        #expect((wrong["then_root"] as? String)?.hasSuffix("/login") == true)

        // Guardian 3 stops: the open overview shows it down within seconds, without a reload.
        let pid = try #require(federation.processID(3))
        let down = try Self.browse(["peer-down", base, Self.password, "\(pid)", "3", Self.screenshots.path])
        federation.kill(3, signal: SIGKILL)
        #expect(down["before"] as? String == "up")
        #expect(down["after"] as? String == "down")
        #expect((down["seconds"] as? Double ?? 99) < 5, "peer 3 shown down after \(down["seconds"] ?? "?") s")
        #expect(down["not_reloaded"] as? Bool == true)
        #expect((down["alert"] as? String)?.contains("guardian 3") == true)
    }

    func checkPages(_ result: [String: Any], status: ([String: Any], [String: Any]), audit: [String: Any]) throws {
        #expect((result["after_login"] as? String)?.hasSuffix("/") == true)
        let cookies = try #require(result["cookies"] as? [[String: Any]])
        let session = try #require(cookies.first { $0["name"] as? String == "fm_dashboard_session" }, "no session cookie")
        #expect(session["http_only"] as? Bool == true)
        #expect(session["same_site"] as? String == "Strict")
        let pages = try #require(result["pages"] as? [String: [String: Any]])
        func figures(_ page: String) -> [String: String] { (pages[page]?["figures"] as? [String: String]) ?? [:] }
        for (name, page) in pages {
            #expect((page["url"] as? String)?.hasSuffix("/login") == false, "\(name) sent to the login")
            #expect(page["live"] as? Bool == true, "\(name): no live update arrived")
        }

        let overview = figures("overview")
        #expect(overview["federation-id"] == status.0["federation_id"] as? String)
        #expect(overview["guardian-id"] == "0")
        #expect(overview["version"] == status.0["version"] as? String)
        let low = try #require(status.0["block_height"] as? Int), high = try #require(status.1["block_height"] as? Int)
        let shown = try #require(overview["block-height"].flatMap { Int($0) })
        #expect((low...high).contains(shown), "block height \(shown) outside \(low)...\(high)")
        let peers = try #require(status.0["peers"] as? [[String: Any]])
        for peer in peers {
            let id = try #require(peer["peer_id"] as? Int)
            #expect(overview["peer-\(id)-state"] == (id == 0 ? "self" : "up"))
        }

        let auditFigures = figures("audit")
        #expect(auditFigures["audit-assets"] == "\(audit["assets"] as? Int ?? -1)")
        #expect(auditFigures["audit-liabilities"] == "\(audit["liabilities"] as? Int ?? -1)")
        #expect(auditFigures["audit-solvent"] == "\(audit["solvent"] as? Bool ?? false)")
        let modules = try #require(audit["modules"] as? [[String: Any]])
        #expect(!modules.isEmpty)
        for module in modules {
            let id = "audit-\(module["kind"] as? String ?? "?")-\(module["instance"] as? Int ?? -1)"
            #expect(auditFigures["\(id)-assets"] == "\(module["assets"] as? Int ?? -1)")
            #expect(auditFigures["\(id)-liabilities"] == "\(module["liabilities"] as? Int ?? -1)")
        }
        let mint = try #require(modules.first { $0["kind"] as? String == "mint" })
        let ecash = figures("ecash")
        #expect(ecash["mint-outstanding"] == "\(mint["liabilities"] as? Int ?? -1)")
        #expect(Int(ecash["mint-spent-nonces"] ?? "") ?? 0 >= 1, "the reissue redeemed notes")
        #expect(Int(ecash["mint-issued-notes"] ?? "") ?? 0 >= 1)
        let wallet = (status.1["modules"] as? [String: String])?["wallet"]
        #expect(figures("bitcoin")["wallet-node"] == wallet)

        // Latency and throughput from the guardian's own record: the dev issuance and the reissue went through
        // guardian 0's API within the last minute; both graphs are drawn.
        #expect(Int(overview["perf-transactions-minute"] ?? "") ?? 0 >= 2, "\(overview["perf-transactions-minute"] ?? "none")")
        #expect(Int(overview["perf-transaction-latency"] ?? "") ?? 0 > 0, "no submit → accepted latency")
        #expect(Int(overview["perf-block-interval"] ?? "") ?? 0 > 0)
        let overviewHTML = try String(contentsOf: Self.screenshots.appendingPathComponent("overview.html"), encoding: .utf8)
        #expect(overviewHTML.contains(#"id="chart-latency""#) && overviewHTML.contains(#"id="chart-throughput""#))
        // The Lightning page: this federation's LN module, no gateway, no contract yet.
        let lightning = figures("lightning")
        #expect(lightning["ln-gateways"] == "0")
        #expect(lightning["ln-open-outgoing"] == "0" && lightning["ln-open-incoming"] == "0")
        #expect(lightning["ln-locked"] == "0")

        let keyboard = result["keyboard"] as? [String]
        #expect(keyboard?.first == "Skip to content")
        #expect(keyboard?.last?.hasSuffix("/") == true)
        #expect(result["phone_overflow"] as? Int == 0, "the overview is wider than a phone")
        #expect((result["after_logout"] as? String)?.hasSuffix("/login") == true)
    }

    /// Each peer's state, round-trip time and last-message age on the open overview equal what `fm-node status`
    /// reports between two reads of the page (the round trip changes every 5 s ping, so a few tries are allowed;
    /// the age moves continuously, so it must be within the ping interval and close to the status's).
    func checkLinks(federation: EcashFederation, base: String) throws {
        let fmNode = ToolRunner.binDirectory.appendingPathComponent("fm-node").path
        let result = try Self.browse(["links", base, Self.password, fmNode, "status", "--api", federation.apiURL(0)])
        let attempts = try #require(result["attempts"] as? [[String: [String: String]]])
        let consistent = attempts.first { attempt in
            let (before, status, after) = (attempt["before"] ?? [:], attempt["status"] ?? [:], attempt["after"] ?? [:])
            return before == after && status.count == 9
                && status.allSatisfy { key, value in key.hasSuffix("-age") || before[key] == value }
        }
        let match = try #require(consistent, "no read of the page matched status: \(attempts)")
        let (shown, status) = (match["before"] ?? [:], match["status"] ?? [:])
        for peer in 1...3 {
            #expect(shown["peer-\(peer)-state"] == "up")
            let rtt = try #require(Int(shown["peer-\(peer)-rtt"] ?? ""), "peer \(peer): no round trip shown")
            #expect(rtt > 0 && rtt < 1_000_000, "round trip \(rtt) µs on loopback")
            let age = try #require(Int(shown["peer-\(peer)-age"] ?? "")), statusAge = try #require(Int(status["peer-\(peer)-age"] ?? ""))
            #expect(age < 6_000 && statusAge < 6_000, "last message \(age) / \(statusAge) ms ago, pinged every 5 s")
        }
    }

    /// No string of guardian 0's private config (keys, shares), the password or its hash in any page's HTML.
    func checkNoSecret(in federation: EcashFederation, hashLine: String) throws {
        let privateConfig = federation.directory.appendingPathComponent("fed/guardian-0/private.json")
        let secrets = Self.strings(in: try JSONSerialization.jsonObject(with: Data(contentsOf: privateConfig)))
            .filter { $0.count >= 16 }
        #expect(!secrets.isEmpty, "found no secret in private.json to look for")
        // The logs page shows this guardian's own warnings (the in-memory ring), here the missing bitcoin node.
        let logs = try String(contentsOf: Self.screenshots.appendingPathComponent("logs.html"), encoding: .utf8)
        #expect(logs.contains("no bitcoin node configured"))
        for page in ["overview", "audit", "ecash", "bitcoin", "lightning", "logs"] {
            let html = try String(contentsOf: Self.screenshots.appendingPathComponent("\(page).html"), encoding: .utf8)
            for secret in secrets + [Self.password, hashLine] {
                #expect(!html.contains(secret), "\(page) shows a secret (\(secret.prefix(6))…)")
            }
        }
    }

    static func strings(in json: Any) -> [String] {
        switch json {
        case let text as String: [text]
        case let array as [Any]: array.flatMap(strings(in:))
        case let object as [String: Any]: object.values.flatMap(strings(in:))
        default: []
        }
    }

    static func browse(_ arguments: [String]) throws -> [String: Any] {
        let result = try ToolRunner.run(executable: PythonOracle.python, [script.path] + arguments)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw EcashFederationError("browse.py \(arguments[0]) failed: \(result.stderr.suffix(2000))") }
        return object
    }
}
