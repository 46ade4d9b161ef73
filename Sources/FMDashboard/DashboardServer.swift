import FMCore
import FMRPC
import FMServer
import FMSetup
import Foundation
internal import Hummingbird
internal import HummingbirdCore
import Logging
internal import NIOCore
import ServiceLifecycle

/// The guardian's operator dashboard (issue 18): server-rendered pages on their own address, behind the operator
/// password, with live updates over Server-Sent Events. Read-only: no route changes the guardian's state.
///
/// Routes: `GET /login`, `POST /login`, `POST /logout`, the pages (`/`, `/audit`, `/ecash`, `/bitcoin`, `/logs`),
/// `GET /events?page=NAME` (the page's live part every second) and `GET /assets/NAME` (compiled in). Everything but
/// the login and the assets needs a session. Every answer carries a strict Content-Security-Policy (no inline
/// script, nothing from another origin), `no-store`, `nosniff`, `no-referrer` and `frame-ancestors 'none'`.
public final class DashboardServer: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var password: OperatorPasswordHash
        public init(host: String, port: Int, password: OperatorPasswordHash) {
            self.host = host
            self.port = port
            self.password = password
        }
    }

    let configuration: Configuration
    let sampler: GuardianSampler
    let recentLogs: @Sendable () -> [DashboardLogRecord]
    let sessions = DashboardSessions()
    let throttle = LoginThrottle()
    let logger: Logger

    static let sessionCookie = "fm_dashboard_session"
    static let loginCookie = "fm_dashboard_login"

    public init(
        node: GuardianNode, configuration: Configuration, recentLogs: @escaping @Sendable () -> [DashboardLogRecord],
        logger: Logger
    ) {
        self.configuration = configuration
        self.sampler = GuardianSampler(node: node)
        self.recentLogs = recentLogs
        self.logger = logger
    }

    public func run() async throws {
        let router = Router(context: DashboardContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/login") { [self] request, _ in loginPage(message: nil, status: .ok, request: request) }
        router.post("/login") { [self] request, context in try await login(request, client: context.client) }
        router.post("/logout") { [self] request, _ in try await logout(request) }
        for page in DashboardPage.allCases {
            router.get(RouterPath(page.path)) { [self] request, _ in await render(page, request: request) }
        }
        router.get("/events") { [self] request, _ in events(request) }
        router.get("/assets/:name") { _, context -> Response in
            guard let name = context.parameters.get("name"), let file = DashboardAssets.files[name] else {
                return Self.text(.notFound, "not found")
            }
            return Self.body(.ok, contentType: file.contentType, file.body)
        }
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "fm-node dashboard"),
            onServerRunning: { [logger] channel in
                logger.info("dashboard listening", metadata: ["dashboard.port": "\(channel.localAddress?.port ?? -1)"])
            },
            logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.sampler.run() }
            try await application.run()
            group.cancelAll()
        }
    }

    // MARK: - Login and logout

    /// The login form, with a fresh login CSRF token in its own cookie (double submit: a form posted from another
    /// site carries neither the SameSite=Strict cookie nor the token).
    private func loginPage(message: String?, status: HTTPResponse.Status, request: Request) -> Response {
        let token = DashboardSessions.randomToken()
        var response = Self.html(status, DashboardLayout.login(message: message, csrfToken: token))
        response.headers[values: .setCookie].append(Self.cookie(Self.loginCookie, token, path: "/login"))
        return response
    }

    private func login(_ request: Request, client: String) async throws -> Response {
        // The CSRF check comes first: a form posted from another site (no SameSite=Strict cookie) fails here and
        // cannot use up the operator's login attempts.
        let form = try await Self.form(request)
        guard let token = form["csrf"], let expected = request.cookies[Self.loginCookie]?.value, !expected.isEmpty,
            constantTimeEqual(token, expected)
        else {
            return loginPage(message: "The login form expired. Try again.", status: .forbidden, request: request)
        }
        guard throttle.admit(client) else {
            logger.warning("dashboard: login refused, too many attempts", metadata: ["client": "\(client)"])
            return loginPage(message: "Too many login attempts. Wait a minute, then try again.", status: .tooManyRequests, request: request)
        }
        let password = form["password"] ?? ""
        let hash = configuration.password
        let matches = await Task.detached { hash.matches(password) }.value
        guard matches else {
            logger.warning("dashboard: wrong password", metadata: ["client": "\(client)"])
            return loginPage(message: "Wrong password.", status: .unauthorized, request: request)
        }
        // Any session id the browser brought is ignored: a new one is made here (no fixation).
        if let old = request.cookies[Self.sessionCookie]?.value { sessions.end(old) }
        let session = sessions.create()
        logger.notice("dashboard: operator logged in", metadata: ["client": "\(client)"])
        var response = Self.redirect("/")
        response.headers[values: .setCookie].append(Self.cookie(Self.sessionCookie, session.id, path: "/"))
        response.headers[values: .setCookie].append(Self.cookie(Self.loginCookie, "", path: "/login", expire: true))
        return response
    }

    private func logout(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        guard let id = request.cookies[Self.sessionCookie]?.value, let session = sessions.session(id),
            let token = form["csrf"], constantTimeEqual(token, session.csrfToken)
        else { return Self.text(.forbidden, "forbidden: no session or a bad CSRF token") }
        sessions.end(id)
        var response = Self.redirect("/login")
        response.headers[values: .setCookie].append(Self.cookie(Self.sessionCookie, "", path: "/", expire: true))
        return response
    }

    // MARK: - Pages

    private func render(_ page: DashboardPage, request: Request) async -> Response {
        guard let session = sessions.session(request.cookies[Self.sessionCookie]?.value) else { return Self.redirect("/login") }
        guard let input = await input() else { return Self.text(.serviceUnavailable, "guardian state not read yet") }
        let guardian = "fm guardian \(sampler.node.peerID.rawValue)"
        return Self.html(.ok, DashboardLayout.page(
            page, live: page.renderLive(input), guardian: guardian, csrfToken: session.csrfToken))
    }

    private func input() async -> DashboardPage.Input? {
        let snapshot: DashboardSnapshot
        if let latest = sampler.latest { snapshot = latest } else { snapshot = await sampler.sample() }
        return DashboardPage.Input(snapshot: snapshot, history: sampler.history, logs: recentLogs(), now: Date())
    }

    /// `text/event-stream`: the page's live part as an event `page` every ``GuardianSampler/interval`` until the
    /// browser goes away or the session ends.
    private func events(_ request: Request) -> Response {
        let id = request.cookies[Self.sessionCookie]?.value
        guard let id, sessions.session(id) != nil else { return Self.text(.unauthorized, "log in first") }
        guard let name = request.uri.queryParameters["page"], let page = DashboardPage(rawValue: String(name)) else {
            return Self.text(.badRequest, "page: expected one of \(DashboardPage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // Counted from here to the stream's end (a refused request holds nothing; EventSource does not retry a 429).
        guard sessions.openStream(id) else {
            return Self.text(.tooManyRequests, "this session already has \(DashboardSessions.maxStreamsPerSession) live pages open")
        }
        var response = Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"])
        response.body = ResponseBody { [self] writer in
            defer { sessions.closeStream(id) }
            while !Task.isCancelled, sessions.session(id) != nil {
                try await Task.sleep(for: GuardianSampler.interval)
                guard let input = await input() else { continue }
                let lines = page.renderLive(input).split(separator: "\n", omittingEmptySubsequences: false)
                let event = "event: page\n" + lines.map { line -> String in "data: \(line)\n" }.joined() + "\n"
                try await writer.write(ByteBuffer(string: event))
            }
            try await writer.finish(nil)
        }
        return response
    }

    // MARK: - HTTP helpers

    /// `name=value; Path; HttpOnly; SameSite=Strict` (no `Secure`: the dashboard speaks plain HTTP on loopback;
    /// see docs/operator-guide.md for reaching it remotely).
    static func cookie(_ name: String, _ value: String, path: String, expire: Bool = false) -> String {
        "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict" + (expire ? "; Max-Age=0" : "")
    }

    /// The fields of an `application/x-www-form-urlencoded` body of at most 4 KiB.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 4096)
        return parseForm(String(buffer: body))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = decode(parts[0]), fields[key] == nil else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        body(status, contentType: "text/html; charset=utf-8", page)
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        body(status, contentType: "text/plain; charset=utf-8", message + "\n")
    }

    static func body(_ status: HTTPResponse.Status, contentType: String, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// The request context, with the client address the login rate limit keys on.
struct DashboardContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let client: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = ClientAddress(source.channel.remoteAddress?.ipAddress).key
    }
}

/// The headers every dashboard answer carries.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = DashboardContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = """
            default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
            form-action 'self'; frame-ancestors 'none'; base-uri 'none'
            """
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
