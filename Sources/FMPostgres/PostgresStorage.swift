import FMStorage
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The storage interface over PostgreSQL (docs/decisions/0003-storage-interface.md).
///
/// - Writes: one connection, one transaction at a time, `SERIALIZABLE`; bodies run on a dedicated writer thread
///   (async ``write(_:)``) or the caller's (``writeNow(_:)``), serialized by a lock.
/// - Reads: `REPEATABLE READ, READ ONLY` (one snapshot of committed state) on reader connections, on dedicated reader
///   threads or the caller's.
/// - Threads: module code is synchronous, postgres-nio is asynchronous. A body blocks its own thread on each
///   statement's future; the futures complete on NIO's event loops, which never run a body, and async callers
///   suspend on the thread pool's completion, so neither the event loops nor the Swift concurrency pool ever block.
/// - The server going away: a statement or COMMIT that loses its connection throws
///   ``StorageError/Kind/connectionLost`` (or ``StorageError/Kind/commitOutcomeUnknown``), environmental, so the
///   guardian aborts the block; the next transaction reconnects, waiting (with a warning in the log every attempt)
///   until the server is back or ``Options/maxWait`` has passed.
public final class PostgresStorage: Storage {
    public struct Options: Sendable {
        /// How long a transaction waits for an unreachable server before it throws ``StorageError/Kind/unavailable``;
        /// nil waits for ever (a guardian: it resumes when the database is back).
        public var maxWait: Duration?
        /// Threads running async read bodies (each with its own connection).
        public var readerThreads: Int
        /// How long one connection attempt may take.
        public var connectTimeout: Duration

        /// How long a new writer connection waits for the database's writer lock (``PostgresStorage/writerLockKey``)
        /// before failing: long enough for the session of a process that just died to end on the server, short enough
        /// that a second copy of a running guardian stops at once. nil takes no lock (tests that open one database
        /// twice on purpose, as a restarted guardian does, without closing the first).
        public var writerLockWait: Duration?

        public init(
            maxWait: Duration? = nil, readerThreads: Int = 2, connectTimeout: Duration = .seconds(10),
            writerLockWait: Duration? = .seconds(5)
        ) {
            self.maxWait = maxWait
            self.readerThreads = readerThreads
            self.connectTimeout = connectTimeout
            self.writerLockWait = writerLockWait
        }
    }

    public let url: PostgresURL
    private let writerLockWait: Duration?
    private let connector: Connector
    private let logger: Logger
    private let writerThread: NIOThreadPool
    private let readerThreads: NIOThreadPool
    private let writer = NIOLockedValueBox<PostgresConnection?>(nil)
    private let idleReaders = NIOLockedValueBox<[PostgresConnection]>([])

    /// Connects (waiting while the server is unreachable, up to `options.maxWait`) and applies the schemas'
    /// pending migrations.
    public init(
        url: PostgresURL, password: String?, schemas: [StorageSchema], logger: Logger = Logger(label: "fm.storage.postgres"),
        options: Options = Options()
    ) throws {
        self.url = url
        self.logger = logger
        writerLockWait = options.writerLockWait
        connector = try Connector(url: url, password: password, logger: logger, options: options)
        writerThread = NIOThreadPool(numberOfThreads: 1)
        readerThreads = NIOThreadPool(numberOfThreads: max(1, options.readerThreads))
        writerThread.start()
        readerThreads.start()
        do {
            // The writer lock first, so that a second copy of a guardian is refused as such, before any migration.
            try writeNow { _ in }
            try checkTextSemantics()
            try checkDurability()
            try StorageMigrator(ledger: "fm_migrations", schemaObjects: Self.schemaObjects).migrate(schemas, on: self)
        } catch {
            close()
            throw error
        }
    }

    /// Text must mean in PostgreSQL what it means in SQLite, or a guardian on each could judge one item differently
    /// (review 7): UTF-8 storage (another encoding refuses characters SQLite stores, an error that rejects the item)
    /// and byte-order collation (`ORDER BY` over text feeds the state digests). Refused at open, before any write.
    private func checkTextSemantics() throws {
        let row = try readNow { db in
            try db.fetchOne(
                """
                SELECT current_setting('server_encoding') AS encoding, CAST(datcollate AS TEXT) AS collation
                FROM pg_database WHERE datname = current_database()
                """)
        }
        guard let row else { throw StorageError(.backend, "PostgreSQL at \(url): cannot read the database's encoding") }
        let encoding = try row.text("encoding"), collation = try row.text("collation")
        guard encoding.uppercased() == "UTF8", Self.byteOrderCollations.contains(collation) else {
            throw DatabaseSetupError.textSemantics(
                "PostgreSQL database \(url.database) has encoding \(encoding) and collation \(collation); fm needs UTF8 and C "
                    + "(CREATE DATABASE … ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0)")
        }
        // `datcollate` is libc's setting only: a database created with `LOCALE_PROVIDER icu` (PostgreSQL 15+) reports
        // `C` there but orders text by its ICU locale (review 8). So the default collation is also asked to order a
        // sample as SQLite's BINARY does (byte order, which is what `COLLATE "C"` means), whatever the provider.
        let order = try readNow { db in
            try db.fetchOne(
                """
                SELECT string_agg(x, '|' ORDER BY x) AS database_order, string_agg(x, '|' ORDER BY x COLLATE "C") AS byte_order
                FROM (VALUES ('a'), ('B'), ('_'), ('a_b'), ('ab'), ('Z'), ('e'), ('é'), ('f'), ('1'), (' '), ('A'), ('ä')) AS sample (x)
                """)
        }
        guard let order, try order.text("database_order") == order.text("byte_order") else {
            throw DatabaseSetupError.textSemantics(
                "PostgreSQL database \(url.database) does not order text by byte (its default collation is not C, e.g. an ICU "
                    + "locale); fm needs UTF8 and C (CREATE DATABASE … ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0, "
                    + "with LOCALE_PROVIDER libc where the cluster's default provider is icu)")
        }
    }

    /// A block is applied once and acted on (outcomes served, digests reported) when its COMMIT returns, so COMMIT must
    /// mean durable, as SQLite's `synchronous = FULL` does. `synchronous_commit = off` (settable per role or database,
    /// where an operator tuning for speed may leave it) acknowledges before the WAL is flushed: a PostgreSQL crash
    /// then loses blocks the guardian already acted on. Refused at open (review 8).
    private func checkDurability() throws {
        let setting = try readNow { db in try db.fetchOne("SELECT current_setting('synchronous_commit') AS value") }
        guard let setting, try setting.text("value").lowercased() != "off" else {
            throw DatabaseSetupError.cannotOpen(
                path: url.description,
                reason: "synchronous_commit is off for this role or database; fm needs commits to be durable (set it to on)")
        }
    }

    /// Collations that order text by its UTF-8 bytes, as SQLite's default BINARY collation does.
    static let byteOrderCollations: Set<String> = ["C", "POSIX", "C.UTF-8", "C.utf8"]

    /// Ends every wait for an unreachable server, now and from then on: the transaction waiting throws
    /// ``StorageError/Kind/unavailable`` within 50 ms of its pause between connection attempts (an attempt under way
    /// ends first, within the connect timeout) instead of waiting for the server to come back. For a guardian
    /// that is stopping (SIGTERM): its consensus and block processing, blocked in such a wait, end instead of holding
    /// the process until the database answers (review 10).
    public func stopWaiting() {
        connector.stopWaiting()
    }

    /// Ends the threads and closes the connections. The storage must not be used afterwards.
    public func close() {
        connector.stopWaiting()
        try? writerThread.syncShutdownGracefully()
        try? readerThreads.syncShutdownGracefully()
        let connections = writer.withLockedValue { current in defer { current = nil }; return current.map { [$0] } ?? [] }
            + idleReaders.withLockedValue { idle in defer { idle = [] }; return idle }
        for connection in connections { try? connection.close().wait() }
    }

    /// A storage released without ``close()`` (a guardian torn down on an error path, a test's) still ends its threads
    /// and connections, without waiting: deinit may run on any thread, an event loop's included. Each connection is
    /// kept alive until it has closed (postgres-nio requires a connection to be closed before it is released).
    deinit {
        writerThread.shutdownGracefully { _ in }
        readerThreads.shutdownGracefully { _ in }
        let connections = writer.withLockedValue { $0.map { [$0] } ?? [] } + idleReaders.withLockedValue { $0 }
        for connection in connections {
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    public var dialect: SQLDialect { .postgres }


    @discardableResult
    public func write<T: Sendable>(
        durability: CommitDurability, _ body: @escaping @Sendable (any StorageWriting) throws -> T
    ) async throws -> T {
        try await writerThread.runIfActive { try self.writeNow(durability: durability, body) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StorageReading) throws -> T) async throws -> T {
        try await readerThreads.runIfActive { try self.readNow(body) }
    }


    @discardableResult
    public func writeNow<T>(_ body: (any StorageWriting) throws -> T) throws -> T {
        try writeNow(durability: .immediate, body)
    }

    /// Every commit is durable here, ``CommitDurability/deferred`` ones included: unlike SQLite, whose unflushed
    /// commits are lost only with the machine (and so with this process), a PostgreSQL server can crash on its own,
    /// losing its asynchronous (`synchronous_commit = off`) commits while this process goes on past them (review 11).
    private func writeNow<T>(durability: CommitDurability, _ body: (any StorageWriting) throws -> T) throws -> T {
        // The lock is held for the whole transaction: writes are serial, like SQLite's.
        try writer.withLockedValue { connection in
            try transaction(on: &connection, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", connected: takeWriterLock) { try body($0) }
        }
    }

    /// The advisory lock key every fm writer takes on its database ("fm-write" in ASCII). One guardian per database:
    /// advisory locks are per database, so guardians in different databases of one server never meet.
    public static let writerLockKey: Int64 = 0x666d_2d77_7269_7465

    /// Takes the database's writer lock on a new writer connection: a session-level advisory lock, held until the
    /// connection ends. The config directory's `flock` stops a second `fm-node run` on one host, but two copies of a
    /// config directory (a guardian moved to a new host while the old one still runs) could both write to one
    /// PostgreSQL database, and two writers of one guardian's state can sign conflicting consensus messages. A
    /// connection that reconnects takes it again, and fails if another process took it meanwhile.
    private func takeWriterLock(_ connection: PostgresConnection) throws(StorageError) {
        guard let wait = writerLockWait else { return }
        let runner = PostgresStatementRunner(connection: connection, logger: logger)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            let rows = try runner.run(
                .control("SELECT pg_try_advisory_lock(\(Self.writerLockKey)) AS taken"), [], wantsRows: true
            ).rows
            if try rows.first?.bool("taken") == true { return }
            guard clock.now < deadline else {
                throw StorageError(
                    .backend,
                    "another process writes to PostgreSQL database \(url.database) (it holds fm's writer lock, advisory lock "
                        + "\(Self.writerLockKey)): a second copy of this guardian? Stop it first (its session: SELECT pid FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND granted AND objid = \(UInt32(truncatingIfNeeded: Self.writerLockKey)) "
                        + "AND database = (SELECT oid FROM pg_database WHERE datname = '\(url.database)'))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    public func readNow<T>(_ body: (any StorageReading) throws -> T) throws -> T {
        var connection = idleReaders.withLockedValue { $0.popLast() }
        defer {
            if let connection, !connection.isClosed { idleReaders.withLockedValue { $0.append(connection) } }
        }
        return try transaction(on: &connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") { try body($0) }
    }

    /// One transaction on `connection` (replaced when it is gone, `connected` run on the replacement first): BEGIN,
    /// the body, COMMIT; ROLLBACK if it throws.
    private func transaction<T>(
        on connection: inout PostgresConnection?, begin: String,
        connected: ((PostgresConnection) throws(StorageError) -> Void)? = nil, _ body: (StorageTransaction) throws -> T
    ) throws -> T {
        let runner = try begun(&connection, begin: begin, connected: connected)
        let transaction = StorageTransaction(runner: runner)
        let value: T
        do {
            value = try body(transaction)
            try transaction.finish()
        } catch {
            transaction.abandon()
            do {
                try runner.control("ROLLBACK")
            } catch {
                discard(&connection)  // the server ends a transaction whose connection is gone
            }
            throw error
        }
        do {
            try runner.control("COMMIT")
        } catch {
            guard error.kind == .connectionLost else { throw error }
            discard(&connection)
            throw StorageError(.commitOutcomeUnknown, "the connection broke during COMMIT: \(error.message)")
        }
        return value
    }

    /// A connection with an open transaction. Nothing has run yet, so a connection found dead at BEGIN (the server
    /// restarted while it was idle) is replaced and BEGIN sent again; connecting waits while the server is down.
    private func begun(
        _ connection: inout PostgresConnection?, begin: String, connected: ((PostgresConnection) throws(StorageError) -> Void)?
    ) throws(StorageError) -> PostgresStatementRunner {
        var attempts = 0
        while true {
            if connection?.isClosed ?? true {
                let new = try connector.connect()
                do {
                    try connected?(new)
                } catch {
                    var failed: PostgresConnection? = new
                    discard(&failed)
                    connection = nil
                    throw error
                }
                connection = new
            }
            guard let live = connection else { continue }
            let runner = PostgresStatementRunner(connection: live, logger: logger)
            do {
                try runner.control(begin)
                return runner
            } catch {
                attempts += 1
                guard error.kind == .connectionLost, attempts < 5 else { throw error }
                discard(&connection)
            }
        }
    }

    private func discard(_ connection: inout PostgresConnection?) {
        // Kept alive until closed: postgres-nio asserts that a connection is closed before it is released.
        if let dead = connection { dead.close().whenComplete { _ in withExtendedLifetime(dead) {} } }
        connection = nil
    }

    /// Tables, views, sequences and explicitly created indexes of the current schema (what a migration may create).
    /// The indexes behind PRIMARY KEY and UNIQUE constraints are left out, as SQLite's `sqlite_autoindex_*` are.
    private static func schemaObjects(_ tx: any StorageReading) throws -> Set<String> {
        Set(try tx.fetchAll("""
            SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'i', 'I', 'v', 'm', 'S')
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """).map { row throws(StorageError) in try row.text("name") })
    }
}

/// Opens connections, waiting with backoff while the server cannot be reached.
final class Connector: Sendable {
    let url: PostgresURL
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    let maxWait: Duration?
    private let nextID = NIOLockedValueBox(0)
    private let stopped = NIOLockedValueBox(false)

    func stopWaiting() { stopped.withLockedValue { $0 = true } }

    init(url: PostgresURL, password: String?, logger: Logger, options: PostgresStorage.Options) throws {
        self.url = url
        self.logger = logger
        maxWait = options.maxWait
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: url.user, password: password, database: url.database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS =
                switch url.tls {
                case .disable: .disable
                case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            configuration = .init(host: host, port: port, username: url.user, password: password, database: url.database, tls: tls)
        }
        let timeout = options.connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000)
        // Whatever the role or server default, text crosses the wire as UTF-8 (Swift strings are). Server-side TCP
        // keepalives of a minute and a half: a connection cut silently on our side (a NAT or middlebox timeout) would
        // otherwise keep its session, and the writer lock it holds, for the kernel's default of over two hours, and
        // the guardian could not write meanwhile (review 15). Ignored on Unix sockets, whose ends close reliably.
        configuration.options.additionalStartupParameters = [
            ("client_encoding", "UTF8"), ("tcp_keepalives_idle", "60"), ("tcp_keepalives_interval", "10"),
            ("tcp_keepalives_count", "3"),
        ]
        self.configuration = configuration
    }

    /// A new connection. An unreachable server (refused, no socket, starting up or shutting down) is waited for;
    /// anything else (authentication, a missing database) is thrown at once.
    func connect() throws(StorageError) -> PostgresConnection {
        let clock = ContinuousClock()
        let started = clock.now
        var delay = Duration.milliseconds(50)
        var attempt = 0
        while true {
            let id = nextID.withLockedValue { id in
                id += 1
                return id
            }
            do {
                return try PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
                ).wait()
            } catch {
                let failure = PostgresErrors.classify(error)
                guard failure.kind == .connectionLost else {
                    throw StorageError(failure.kind == .backend ? .unavailable : failure.kind, "cannot connect to \(url): \(failure.message)")
                }
                let waited = started.duration(to: clock.now)
                if let maxWait, waited >= maxWait {
                    throw StorageError(.unavailable, "PostgreSQL at \(url) unreachable for \(waited): \(failure.message)")
                }
                attempt += 1
                logger.warning(
                    "PostgreSQL unreachable; waiting for it",
                    metadata: ["database": "\(url)", "attempt": "\(attempt)", "waited": "\(waited)", "error": "\(failure.message)"])
                // In slices, so that stopWaiting() ends the wait within one.
                let until = clock.now + delay
                while clock.now < until {
                    if stopped.withLockedValue({ $0 }) {
                        throw StorageError(.unavailable, "PostgreSQL at \(url) unreachable, and this guardian is stopping: \(failure.message)")
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
