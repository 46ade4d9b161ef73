import FMTesting
import Foundation
import Testing

/// The dashboard's HTTP rules, checked with curl against a 1-guardian fm-node (no browser needed): pages need a
/// session, the login needs its CSRF token and is rate limited, the session cookie is strict and never fixed by
/// the client, logout needs the session's CSRF token, every answer carries the security headers.
@Suite(.serialized) struct DashboardHTTPTests {
    static let password = "operator password 18"

    struct Reply {
        var status: Int
        var headers: String
        var body: String

        /// Whether a header line contains `text` (header names compared without case).
        func has(_ text: String) -> Bool { headers.lowercased().contains(text.lowercased()) }
    }

    /// curl with a cookie jar (`-b`/`-c`), never following redirects.
    static func curl(_ url: String, jar: URL, form: [String: String]? = nil, cookie: String? = nil, maxTime: Int = 10) throws -> Reply {
        let headers = jar.deletingLastPathComponent().appendingPathComponent("headers-\(UUID().uuidString)")
        var arguments = ["-s", "-o", "-", "-D", headers.path, "-w", "\n%{http_code}", "--max-time", "\(maxTime)", "-c", jar.path, "-b", jar.path]
        if let cookie { arguments += ["-H", "Cookie: \(cookie)"] }
        if let form {
            for (key, value) in form { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        }
        let result = try ToolRunner.run(executable: URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url])
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        return Reply(
            status: status, headers: (try? String(contentsOf: headers, encoding: .utf8)) ?? "", body: lines.joined(separator: "\n"))
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([0-9a-f]{64})""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    static func sessionCookie(in headers: String) -> String? {
        headers.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: fm_dashboard_session=") }
    }

    @Test func sessionsCsrfRateLimitAndHeaders() throws {
        let work = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let hashFile = work.appendingPathComponent("dashboard.hash")
        #expect(try ToolRunner.run("fm-node", ["dashboard-password", "--out", hashFile.path], stdin: "short\n").status == 2)
        let hashed = try ToolRunner.run("fm-node", ["dashboard-password", "--out", hashFile.path], stdin: Self.password + "\n")
        try #require(hashed.status == 0, "\(hashed.stderr)")
        let port = try #require((18_180..<18_200).reversed().first(where: EcashFederation.isFree))
        let base = "http://127.0.0.1:\(port)"
        let federation = try EcashFederation(
            basePort: 18_140, peers: 1,
            arguments: [0: ["--dashboard-bind", "127.0.0.1:\(port)", "--dashboard-password-file", hashFile.path]])
        defer { federation.stop() }
        let jar = work.appendingPathComponent("jar")

        var page = try Self.curl(base + "/login", jar: jar)
        for _ in 0..<50 where page.status != 200 {
            Thread.sleep(forTimeInterval: 0.2)
            page = try Self.curl(base + "/login", jar: jar)
        }
        try #require(page.status == 200, "the dashboard did not come up: \(federation.log(0))")
        #expect(page.has("content-security-policy: default-src 'none'; script-src 'self'"))
        #expect(page.has("x-frame-options: deny"))
        #expect(page.has("cache-control: no-store"))

        // No session: pages send to the login, live updates refuse.
        let anonymous = work.appendingPathComponent("anonymous")
        let root = try Self.curl(base + "/audit", jar: anonymous)
        #expect(root.status == 303 && root.has("location: /login"))
        #expect(try Self.curl(base + "/events?page=overview", jar: anonymous).status == 401)

        // The login form's token is required.
        let token = try #require(Self.csrf(in: page.body))
        #expect(try Self.curl(base + "/login", jar: jar, form: ["password": Self.password, "csrf": String(repeating: "0", count: 64)]).status == 403)
        #expect(try Self.curl(base + "/login", jar: anonymous, form: ["password": Self.password, "csrf": token]).status == 403)

        // A session id chosen by the client is not adopted.
        let fixed = "fm_dashboard_session=" + String(repeating: "a", count: 64)
        page = try Self.curl(base + "/login", jar: jar)
        let login = try Self.curl(
            base + "/login", jar: jar, form: ["password": Self.password, "csrf": try #require(Self.csrf(in: page.body))], cookie: fixed)
        #expect(login.status == 303)
        let cookie = try #require(Self.sessionCookie(in: login.headers))
        #expect(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"))
        #expect(!cookie.contains(String(repeating: "a", count: 64)))
        let fixedJar = work.appendingPathComponent("fixed")
        #expect(try Self.curl(base + "/", jar: fixedJar, cookie: fixed).status == 303)

        // Logged in: the pages and the event stream.
        let audit = try Self.curl(base + "/audit", jar: jar)
        #expect(audit.status == 200 && audit.body.contains(#"id="audit-assets""#))
        let events = try Self.curl(base + "/events?page=audit", jar: jar, maxTime: 3)
        #expect(events.body.contains("event: page\ndata: "))
        #expect(events.has("content-type: text/event-stream"))

        // Logout needs the session's token; then the session is gone.
        #expect(try Self.curl(base + "/logout", jar: jar, form: ["csrf": token]).status == 403)
        let sessionToken = try #require(Self.csrf(in: audit.body))
        #expect(try Self.curl(base + "/logout", jar: jar, form: ["csrf": sessionToken]).status == 303)
        #expect(try Self.curl(base + "/", jar: jar).status == 303)

        // Brute force: after the burst every attempt is refused with 429, even the right password.
        var statuses: [Int] = []
        for _ in 0..<6 {
            let form = try Self.curl(base + "/login", jar: jar)
            statuses.append(try Self.curl(
                base + "/login", jar: jar, form: ["password": "wrong password!", "csrf": try #require(Self.csrf(in: form.body))]).status)
        }
        #expect(statuses.contains(401) && statuses.last == 429, "\(statuses)")
        let form = try Self.curl(base + "/login", jar: jar)
        #expect(try Self.curl(base + "/login", jar: jar, form: ["password": Self.password, "csrf": try #require(Self.csrf(in: form.body))]).status == 429)
        #expect(federation.log(0).contains("dashboard: wrong password"))
    }
}
