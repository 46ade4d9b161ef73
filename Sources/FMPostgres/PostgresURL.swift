import Foundation

/// Where a guardian's PostgreSQL database is: `postgres://user@host[:port]/database[?sslmode=...]`.
///
/// The host is a name or address (TCP), or a percent-encoded directory holding the server's unix socket
/// (`postgres://fm@%2Fvar%2Frun%2Fpostgresql/fm`, as libpq writes it). The password is never part of the URL, which
/// ends up on command lines, in `ps` and in shell history: it comes from a file (mode 0600) or an environment
/// variable (``PostgresPassword``).
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself (`<directory>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    /// `disable`: no TLS (the default for a unix socket and a loopback host); `verify-full`: TLS with the
    /// system's trust roots and the host name checked (the default for any other host).
    public enum TLSMode: String, Sendable, Hashable {
        case disable
        case verifyFull = "verify-full"
    }

    public let user: String
    public let endpoint: Endpoint
    public let database: String
    public let tls: TLSMode

    public init(user: String, endpoint: Endpoint, database: String, tls: TLSMode) {
        self.user = user
        self.endpoint = endpoint
        self.database = database
        self.tls = tls
    }

    /// The URL without secrets (it never holds one), for logs and messages.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        case .unixSocket(let path): "postgres://\(user)@\(path)/\(database)"
        }
    }

    /// Parses `text`; a one-line error names what is wrong. A password in the URL is refused.
    public init(parsing text: String) throws(PostgresConfigurationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["postgres", "postgresql"].contains(scheme)
        else { throw .invalid("database URL must look like postgres://user@host[:port]/database, got '\(Self.redacted(text))'") }
        if components.percentEncodedPassword != nil {
            throw .invalid(
                "database URL must not contain a password (command lines are visible to every user): give it in a file (--database-password-file) or the environment (FM_DATABASE_PASSWORD)")
        }
        guard let user = components.user, !user.isEmpty else { throw .invalid("database URL names no user (postgres://user@host/database)") }
        let path = components.path
        let database = String(path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid("database URL names no database (postgres://user@host/database)")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalid("database URL names no host") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalid("database URL port \(port) is out of range") }
        var tlsMode: TLSMode?
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw .invalid("database URL parameter '\(item.name)' is not supported (only sslmode)") }
            guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw .invalid("database URL sslmode must be disable or verify-full, got '\(item.value ?? "")'")
            }
            tlsMode = mode
        }
        self.user = user
        self.database = database
        if host.hasPrefix("/") {
            endpoint = .unixSocket(path: "\(host.hasSuffix("/") ? String(host.dropLast()) : host)/.s.PGSQL.\(port)")
            tls = tlsMode ?? .disable
            if tls == .verifyFull { throw .invalid("database URL sslmode=verify-full makes no sense over a unix socket") }
        } else {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            endpoint = .tcp(host: bare, port: port)
            tls = tlsMode ?? (["localhost", "127.0.0.1", "::1"].contains(bare) ? .disable : .verifyFull)
        }
    }

    /// `text` with everything between `://` (or the start) and the LAST `@` hidden, so an error message never repeats
    /// a password, even one holding `@` or `/` (review 8: the first `@` left the rest of such a password shown).
    static func redacted(_ text: String) -> String {
        guard let at = text.range(of: "@", options: .backwards) else { return text }
        let start = text.range(of: "://").map(\.upperBound) ?? text.startIndex
        guard start <= at.lowerBound else { return "***" + text[at.lowerBound...] }
        return text.replacingCharacters(in: start..<at.lowerBound, with: "***")
    }
}

/// Where the PostgreSQL password comes from: a file (first line; the file must not be readable by group or others,
/// like libpq's `.pgpass`), else the environment variable `FM_DATABASE_PASSWORD`, else none (trust or peer
/// authentication on a unix socket).
public enum PostgresPassword {
    public static let environmentVariable = "FM_DATABASE_PASSWORD"

    public static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresConfigurationError) -> String?
    {
        if let file {
            var info = stat()
            guard stat(file, &info) == 0 else {
                throw .invalid("database password file \(file): \(String(cString: strerror(errno)))")
            }
            guard info.st_mode & 0o077 == 0 else {
                throw .invalid("database password file \(file) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
            }
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw .invalid("database password file \(file) cannot be read as text")
            }
            let password = String(text.prefix { $0 != "\n" && $0 != "\r" })
            guard !password.isEmpty else { throw .invalid("database password file \(file) is empty") }
            return password
        }
        if let password = environment[environmentVariable], !password.isEmpty { return password }
        return nil
    }
}

/// A database URL or password source that cannot be used; the message is one line naming the field.
public enum PostgresConfigurationError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
