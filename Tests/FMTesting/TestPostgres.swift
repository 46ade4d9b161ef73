import FMPostgres
import FMStorage
import Foundation
import Testing

/// PostgreSQL for the tests: the server at `FM_TEST_POSTGRES_URL` (password in `FM_DATABASE_PASSWORD`), else a
/// private cluster this process starts in a temporary directory (initdb and pg_ctl, listening only on a unix socket
/// there, with password authentication; as the `postgres` user when the tests run as root, since PostgreSQL refuses
/// root). Each test gets a database of its own.
///
/// When PostgreSQL's programs are missing the PostgreSQL tests are skipped with the reason, unless
/// `FM_REQUIRE_POSTGRES=1` (CI), where they fail: a run never passes silently without them.
public final class TestPostgres: @unchecked Sendable {
    public static var required: Bool { ProcessInfo.processInfo.environment["FM_REQUIRE_POSTGRES"] == "1" }

    /// The shared server of this test process, or why there is none.
    public static let shared: Result<TestPostgres, Unavailable> = {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["FM_TEST_POSTGRES_URL"], !url.isEmpty {
            return Result { try TestPostgres(external: url, password: environment[PostgresPassword.environmentVariable]) }
                .mapError { Unavailable(reason: "FM_TEST_POSTGRES_URL: \($0)") }
        }
        return startCluster()
    }()

    public static func startCluster() -> Result<TestPostgres, Unavailable> {
        guard let bin = binDirectory() else {
            return .failure(Unavailable(reason: "PostgreSQL's programs (initdb, pg_ctl, psql) are not installed"))
        }
        return Result { try TestPostgres(clusterWith: bin) }.mapError { Unavailable(reason: "cannot start a PostgreSQL cluster: \($0)") }
    }

    /// The shared server, or the test ends as skipped (a failure when PostgreSQL is required).
    public static func requireOrSkip(sourceLocation: SourceLocation = #_sourceLocation) throws -> TestPostgres {
        try available(shared, sourceLocation: sourceLocation)
    }

    public static func available(_ result: Result<TestPostgres, Unavailable>, sourceLocation: SourceLocation) throws -> TestPostgres {
        switch result {
        case .success(let server): return server
        case .failure(let unavailable) where required:
            Issue.record(Comment(rawValue: "\(unavailable.reason), and FM_REQUIRE_POSTGRES=1"), sourceLocation: sourceLocation)
            throw unavailable
        case .failure(let unavailable):
            try Test.cancel(Comment(rawValue: "\(unavailable.reason); PostgreSQL tests skipped"), sourceLocation: sourceLocation)
        }
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public struct CommandFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The cluster's files (nil for an external server).
    public let directory: URL?
    public let bin: URL
    public let baseURL: PostgresURL
    public let password: String?
    private let counter = NSLock()
    private var databases = 0
    /// ` STRATEGY FILE_COPY` on a private cluster of PostgreSQL 15 or later (see ``start()``), else empty.
    private var createStrategy = ""

    private init(external: String, password: String?) throws {
        directory = nil
        baseURL = try PostgresURL(parsing: external)
        self.password = password
        guard let bin = Self.binDirectory() else { throw CommandFailed(description: "psql is not installed") }
        self.bin = bin
    }

    private init(clusterWith bin: URL) throws {
        self.bin = bin
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fm-pg-\(UUID().uuidString)")
        self.directory = directory
        let password = UUID().uuidString
        self.password = password
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("pwfile")
        try Data(password.utf8).write(to: passwordFile)
        if Self.asRoot {
            _ = try Self.run(URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres", directory.path], asPostgres: false)
        }
        baseURL = try PostgresURL(parsing: "postgres://fm@\(directory.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/postgres")
        _ = try Self.run(
            bin.appendingPathComponent("initdb"),
            ["-D", dataDirectory.path, "-U", "fm", "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)", "-E", "UTF8", "--no-sync"])
        try start()
        atexit { TestPostgres.stopAtExit() }
        Self.clusters.withLock { $0.append(self) }
        if let version = Int(try query("SHOW server_version_num", database: baseURL.database).trimmingCharacters(in: .whitespacesAndNewlines)),
            version >= 150000
        {
            createStrategy = " STRATEGY FILE_COPY"
        }
    }

    private var dataDirectory: URL { directory!.appendingPathComponent("data") }

    /// Starts the cluster's server and waits until it accepts connections.
    public func start() throws {
        guard let directory else { throw CommandFailed(description: "an external server cannot be started here") }
        _ = try Self.run(bin.appendingPathComponent("pg_ctl"), [
            "-D", dataDirectory.path, "-l", directory.appendingPathComponent("server.log").path, "-w", "start",
            // A scratch cluster: nothing here must survive a crash of the machine (fsync off), and nothing
            // replicates (minimal WAL; with FILE_COPY, CREATE DATABASE is 10-40 % faster here, and the PostgreSQL
            // pass creates hundreds).
            "-o", "-k \(directory.path) -c listen_addresses='' -c fsync=off -c max_connections=300"
                + " -c wal_level=minimal -c max_wal_senders=0 -c full_page_writes=off",
        ])
    }

    /// Stops the server (`immediate`: like a crash, connections are cut).
    public func stop() throws {
        _ = try Self.run(bin.appendingPathComponent("pg_ctl"), ["-D", dataDirectory.path, "-m", "immediate", "-w", "stop"])
    }

    /// A fresh, empty database's URL, created as fm's operator guide says (UTF8, C collation) unless `options` say
    /// otherwise (`ENCODING 'LATIN1' …`: a database fm must refuse).
    public func newDatabase(options: String = "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'") throws -> PostgresURL {
        let name = counter.withLock { () -> String in
            databases += 1
            return "fm_test_\(ProcessInfo.processInfo.processIdentifier)_\(databases)_\(UInt32.random(in: 0...UInt32.max))"
        }
        try psql("CREATE DATABASE \(name) \(options) TEMPLATE template0\(createStrategy)")
        return PostgresURL(user: baseURL.user, endpoint: baseURL.endpoint, database: name, tls: baseURL.tls)
    }

    /// `url` as a command line takes it (`fm-node run --database`): a unix-socket directory percent-encoded as the host.
    public func commandLine(_ url: PostgresURL) -> String {
        switch url.endpoint {
        case .tcp(let host, let port): return "postgres://\(url.user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(url.database)"
        case .unixSocket(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            return "postgres://\(url.user)@\(directory.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/\(url.database)"
        }
    }

    /// Runs one statement as the test user on the base database.
    public func psql(_ sql: String) throws {
        _ = try query(sql, database: baseURL.database)
    }

    /// Runs one statement as the test user on `database`; returns its rows unaligned, without headers.
    public func query(_ sql: String, database: String) throws -> String {
        var arguments = ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-U", baseURL.user, "-c", sql]
        switch baseURL.endpoint {
        case .unixSocket(let path):
            arguments += ["-h", URL(fileURLWithPath: path).deletingLastPathComponent().path]
        case .tcp(let host, let port):
            arguments += ["-h", host, "-p", "\(port)"]
        }
        return try Self.run(
            bin.appendingPathComponent("psql"), arguments, asPostgres: false, environment: password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    // MARK: - Processes

    private static let clusters = ClusterList()

    /// At exit, without starting processes (Foundation's `Process` hangs while the process exits): SIGQUIT to the
    /// server, PostgreSQL's immediate shutdown, by the pid it records in `postmaster.pid`.
    private static func stopAtExit() {
        for cluster in clusters.withLock({ $0 }) {
            guard let directory = cluster.directory else { continue }
            let pidFile = directory.appendingPathComponent("data/postmaster.pid")
            if let text = try? String(contentsOf: pidFile, encoding: .utf8),
                let pid = Int32(text.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces))
            {
                kill(pid, SIGQUIT)
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static var asRoot: Bool { getuid() == 0 }

    /// Runs a PostgreSQL program, as `postgres` when this process is root, its output into a file; returns that output.
    ///
    /// posix_spawn and waitpid, not Foundation's `Process`: `pg_ctl start` leaves a daemon behind, and `Process`
    /// was seen waiting for ever on a child that had already exited (its `runuser` was a zombie).
    private static func run(
        _ executable: URL, _ arguments: [String], asPostgres: Bool = true, environment: [String: String] = [:]
    ) throws -> String {
        let argv = asPostgres && asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable.path] + arguments : [executable.path] + arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fm-pg-run-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var cEnvironment = variables.map { strdup($0) } + [nil]
        defer { for variable in cEnvironment { free(variable) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw CommandFailed(description: "\(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw CommandFailed(description: "\(executable.lastPathComponent) failed (status \(status)): \(text)")
        }
        return text
    }

    /// `FM_POSTGRES_BIN`, else the newest /usr/lib/postgresql/<version>/bin, else the directory of `initdb` on the PATH.
    public static func binDirectory() -> URL? {
        let manager = FileManager.default
        func complete(_ directory: String) -> Bool {
            ["initdb", "pg_ctl", "psql"].allSatisfy { manager.isExecutableFile(atPath: "\(directory)/\($0)") }
        }
        if let configured = ProcessInfo.processInfo.environment["FM_POSTGRES_BIN"], complete(configured) {
            return URL(fileURLWithPath: configured)
        }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() where complete("/usr/lib/postgresql/\(version)/bin") {
            return URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        where complete(directory) {
            return URL(fileURLWithPath: directory)
        }
        return nil
    }
}

/// The clusters to stop at exit.
final class ClusterList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [TestPostgres] = []

    func withLock<T>(_ body: (inout [TestPostgres]) -> T) -> T {
        lock.withLock { body(&items) }
    }
}
