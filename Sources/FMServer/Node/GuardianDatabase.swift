import FMCore
import FMDatabase
import FMPostgres
import FMStorage
import Logging

/// Where a guardian keeps its state (docs/decisions/0003-storage-interface.md): the SQLite file named in local.json
/// (the default), or a PostgreSQL database (`fm-node run --database postgres://…`). Either way every table of the
/// consensus store, the processor and the modules lives in the one database, and each applied block is one write
/// transaction of it.
public enum GuardianDatabase: Sendable {
    case sqlite
    /// The password comes from a file or the environment, never a URL (``PostgresPassword``).
    case postgres(PostgresURL, password: String?)

    /// Opens (creating and migrating) the guardian's database and its clients' snapshot store. A SQLite guardian keeps
    /// the snapshots in a file of their own beside `databasePath` (``BackupStore``); a PostgreSQL guardian keeps them
    /// in its database.
    func open(databasePath: String, schemas: [StorageSchema], logger: Logger) throws -> (any Storage, BackupStore) {
        switch self {
        case .sqlite:
            let storage = try SQLiteStorage(path: databasePath, schemas: schemas)
            return (storage, try BackupStore(path: BackupStore.path(besideGuardianDatabase: databasePath)))
        case .postgres(let url, let password):
            let storage = try PostgresStorage(url: url, password: password, schemas: schemas + [BackupStore.schema], logger: logger)
            return (storage, BackupStore(database: storage))
        }
    }
}

extension GuardianDatabase {
    /// `--database` and `--database-password-file` of a command line: PostgreSQL when a URL is given, else SQLite (and
    /// then no password file).
    public static func resolve(url text: String?, passwordFile: String?) throws -> GuardianDatabase {
        guard let text else {
            if passwordFile != nil {
                throw InvalidInput(field: "--database-password-file", expected: "to be given only with --database postgres://…")
            }
            return .sqlite
        }
        return try postgres(parsing: text, passwordFile: passwordFile, field: "--database")
    }

    /// A PostgreSQL URL given on a command line as `field` and its password from `passwordFile` or
    /// `FM_DATABASE_PASSWORD` (fm-node's `--database`, fm-bench's); every refusal names the flag and never repeats the
    /// password.
    public static func postgres(parsing text: String, passwordFile: String?, field: String) throws -> GuardianDatabase {
        let url: PostgresURL
        do { url = try PostgresURL(parsing: text) } catch {
            throw InvalidInput(field: field, expected: "a PostgreSQL URL: \(error)")
        }
        do {
            return .postgres(url, password: try PostgresPassword.resolve(file: passwordFile))
        } catch {
            throw InvalidInput(
                field: passwordFile == nil ? PostgresPassword.environmentVariable : "--database-password-file",
                expected: "a usable password: \(error)")
        }
    }
}
