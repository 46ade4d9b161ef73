import FMCore
import FMPostgres
import FMServer
import Foundation
import Logging

/// Where a benchmark federation's guardians keep their state (`fm-bench reissue --database`).
enum BenchmarkStorage: Sendable {
    /// A SQLite file per guardian in the federation's temporary directory (the default).
    case sqlite
    /// A database per guardian on `server`'s PostgreSQL server, named ``databaseName(prefix:size:peer:)`` after the
    /// URL's database, created empty by the benchmark (through the server's `postgres` database, as the URL's role)
    /// and dropped again when the federation stops. An existing database of that name is refused, never reused.
    case postgres(server: PostgresURL, password: String?)

    /// `--database` and `--database-password-file` as fm-node takes them (the same refusals), plus a database name
    /// that the per-guardian names can extend.
    static func resolve(database: String?, passwordFile: String?) throws -> BenchmarkStorage {
        guard case .postgres(let url, let password) = try GuardianDatabase.resolve(url: database, passwordFile: passwordFile) else {
            return .sqlite
        }
        guard PostgresDatabases.isPlainName(databaseName(prefix: url.database, size: 99, peer: 99)) else {
            throw InvalidInput(
                field: "--database",
                expected: "a database name of lowercase letters, digits and _ (at most 55 bytes), got '\(url.database)'")
        }
        return .postgres(server: url, password: password)
    }

    /// Guardian `peer` of a federation of `size` keeps its state in `<prefix>_n<size>_g<peer>`.
    static func databaseName(prefix: String, size: Int, peer: Int) -> String { "\(prefix)_n\(size)_g\(peer)" }

    var label: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// One empty database per guardian of a federation of `size`. If one cannot be created, those created before it
    /// are dropped again and the error names the database.
    func create(size: Int, logger: Logger) throws -> [GuardianDatabase] {
        guard case .postgres(let server, let password) = self else { return Array(repeating: .sqlite, count: size) }
        var created: [GuardianDatabase] = []
        for peer in 0..<size {
            let name = Self.databaseName(prefix: server.database, size: size, peer: peer)
            do {
                created.append(.postgres(try PostgresDatabases.create(name, on: server, password: password, logger: logger), password: password))
            } catch {
                drop(peers: created.count, of: size, logger: logger)
                throw BenchmarkSetupError(
                    "--database: cannot create PostgreSQL database \(name) for guardian \(peer) of n = \(size): \(error) "
                        + "(fm-bench creates \(server.database)_n<size>_g<peer> itself and drops them at the end; drop a leftover one or name another database)")
            }
        }
        return created
    }

    /// Drops the databases of guardians `0..<peers` of a federation of `size`; a failure is reported on stderr (the
    /// measurement stands) with the database to drop by hand.
    func drop(peers: Int, of size: Int, logger: Logger) {
        guard case .postgres(let server, let password) = self else { return }
        for peer in 0..<peers {
            let name = Self.databaseName(prefix: server.database, size: size, peer: peer)
            do { try PostgresDatabases.drop(name, on: server, password: password, logger: logger) } catch {
                FileHandle.standardError.write(Data("fm-bench: warning: could not drop PostgreSQL database \(name): \(error)\n".utf8))
            }
        }
    }
}
