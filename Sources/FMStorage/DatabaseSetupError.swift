/// Why a database could not be opened or brought to the current schema.
public enum DatabaseSetupError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case invalidPrefix(String)
    case duplicatePrefix(String)
    case duplicateMigration(prefix: String, name: String)
    /// A migration created tables (or indexes, views, triggers) not named with its subsystem's prefix.
    case objectOutsidePrefix(migration: String, objects: [String], prefix: String)
    /// The file records migrations this program does not know: it was written by a newer version, or a migration
    /// was renamed or removed.
    case unknownAppliedMigrations([String])
    case migrationFailed(String)
    /// The database stores or orders text otherwise than fm's backends agree on (PostgreSQL: not UTF8 with C collation).
    case textSemantics(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open database \(path): \(reason)"
        case .invalidPrefix(let prefix):
            "invalid table prefix '\(prefix)': use lowercase letters, digits and '_', starting with a letter"
        case .duplicatePrefix(let prefix): "two subsystems claim the table prefix '\(prefix)'"
        case .duplicateMigration(let prefix, let name): "subsystem '\(prefix)' registers migration '\(name)' twice (or an empty name)"
        case .objectOutsidePrefix(let migration, let objects, let prefix):
            "migration \(migration) created \(objects.joined(separator: ", ")), not named '\(prefix)_...'"
        case .unknownAppliedMigrations(let names) where names.contains(StorageCopy.copyInProgressIdentifier):
            "the database holds an unfinished copy (fm-node migrate-db failed or was stopped before its copy committed); drop and recreate it, then run migrate-db again"
        case .unknownAppliedMigrations(let names):
            "the database has migrations this program does not know (\(names.joined(separator: ", "))); it was written by a newer version"
        case .migrationFailed(let reason): "database migration failed: \(reason)"
        case .textSemantics(let reason): reason
        }
    }
}
