import FMStorage
import Foundation
import Logging
import PostgresNIO

/// Creates and drops whole databases on a server, through its `postgres` maintenance database with the role and
/// password of a given URL. For tools that set up throwaway guardians (`fm-bench reissue --database`); a guardian
/// never creates its own database. `CREATE DATABASE` cannot run inside a transaction, so not through
/// ``PostgresStorage``.
public enum PostgresDatabases {
    /// Whether `name` is a database name these statements accept: lowercase ASCII letters, digits and `_`, not
    /// starting with a digit, at most 63 bytes (PostgreSQL's identifier limit; a longer name would be truncated).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Creates an empty database `name` on `server`'s server as fm needs it (UTF8, byte-order collation) and returns
    /// its URL. Fails if it exists: an existing database is never reused or dropped here.
    public static func create(_ name: String, on server: PostgresURL, password: String?, logger: Logger) throws -> PostgresURL {
        try run(
            "CREATE DATABASE \"\(try checked(name))\" ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0", on: server,
            password: password, logger: logger)
        return PostgresURL(user: server.user, endpoint: server.endpoint, database: name, tls: server.tls)
    }

    /// Drops database `name` (if it exists) on `server`'s server, ending any connection still open to it
    /// (PostgreSQL 13 or newer).
    public static func drop(_ name: String, on server: PostgresURL, password: String?, logger: Logger) throws {
        try run("DROP DATABASE IF EXISTS \"\(try checked(name))\" WITH (FORCE)", on: server, password: password, logger: logger)
    }

    private static func checked(_ name: String) throws -> String {
        guard isPlainName(name) else {
            throw PostgresConfigurationError.invalid(
                "database name '\(name)' must be lowercase letters, digits and _ (not starting with a digit), at most 63 bytes")
        }
        return name
    }

    /// One statement on the maintenance database, on a connection of its own that is closed before returning.
    private static func run(_ sql: String, on server: PostgresURL, password: String?, logger: Logger) throws {
        let maintenance = PostgresURL(user: server.user, endpoint: server.endpoint, database: "postgres", tls: server.tls)
        let connection = try Connector(
            url: maintenance, password: password, logger: logger, options: PostgresStorage.Options(maxWait: .seconds(30))
        ).connect()
        defer { try? connection.close().wait() }
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
        } catch {
            let failure = PostgresErrors.classify(error)
            throw StorageError(failure.kind, "PostgreSQL at \(maintenance): \(failure.message)")
        }
    }
}
