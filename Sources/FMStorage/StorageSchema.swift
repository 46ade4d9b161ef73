/// One named, append-only schema change of a subsystem, written in the portable subset (it runs on both backends).
///
/// - Important: once released, a migration is never renamed, reordered, edited or removed: databases in the field
///   record `<prefix>/<name>` as applied. Change the schema by appending a new migration. A module moving from
///   GRDB's `SchemaMigration` keeps each migration's name, so SQLite databases in the field see nothing new.
public struct StorageMigration: Sendable {
    public let name: String
    public let migrate: @Sendable (any StorageWriting) throws -> Void

    public init(_ name: String, migrate: @escaping @Sendable (any StorageWriting) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

/// The tables of one subsystem: a table prefix and the ordered migrations that create and evolve them.
///
/// Every table, index or view a migration creates must be named `<prefix>_...` (both backends check this), so
/// subsystems can never collide.
public struct StorageSchema: Sendable {
    /// Lowercase letters, digits and underscores, starting with a letter (e.g. `consensus`, `mint`).
    public let prefix: String
    public let migrations: [StorageMigration]

    public init(prefix: String, migrations: [StorageMigration]) {
        self.prefix = prefix
        self.migrations = migrations
    }

    public func validate() throws(DatabaseSetupError) {
        try Self.validate(prefix: prefix, migrationNames: migrations.map(\.name))
    }

    /// The naming rules shared with GRDB's `SubsystemSchema`: a valid prefix, unique non-empty migration names.
    public static func validate(prefix: String, migrationNames: [String]) throws(DatabaseSetupError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard let first = prefix.first, first.isLetter, first.isLowercase, prefix.allSatisfy(allowed.contains) else {
            throw .invalidPrefix(prefix)
        }
        var seen: Set<String> = []
        for name in migrationNames {
            guard !name.isEmpty, seen.insert(name).inserted else { throw .duplicateMigration(prefix: prefix, name: name) }
        }
    }

    /// The identifier recorded once `migration` is applied (the same string GRDB records for SQLite).
    public func identifier(of migration: StorageMigration) -> String { "\(prefix)/\(migration.name)" }
}

/// Applies schemas' pending migrations through any ``Storage``, each migration in its own write transaction with its
/// ledger row, so a migration is applied entirely and once or not at all. (SQLite keeps GRDB's migrator and ledger,
/// `grdb_migrations`, which databases in the field already hold; PostgreSQL uses this.)
public struct StorageMigrator {
    /// The ledger table: `identifier TEXT PRIMARY KEY`, created if missing.
    public let ledger: String
    /// Every table, index or view in the database's schema, by name (a dialect-specific query).
    public let schemaObjects: (any StorageReading) throws -> Set<String>

    public init(ledger: String, schemaObjects: @escaping (any StorageReading) throws -> Set<String>) {
        self.ledger = ledger
        self.schemaObjects = schemaObjects
    }

    /// Throws if a migration fails (nothing of it is kept), creates objects outside its prefix, or if the database
    /// records migrations this program does not know (a newer version wrote it, or one was renamed).
    public func migrate(_ schemas: [StorageSchema], on storage: any Storage) throws(DatabaseSetupError) {
        var prefixes: Set<String> = []
        for schema in schemas {
            try schema.validate()
            guard prefixes.insert(schema.prefix).inserted else { throw .duplicatePrefix(schema.prefix) }
        }
        let known = Set(schemas.flatMap { schema in schema.migrations.map(schema.identifier) })
        do {
            try storage.writeNow { tx in
                try tx.execute("CREATE TABLE IF NOT EXISTS \(ledger) (identifier TEXT NOT NULL PRIMARY KEY)")
            }
            let applied = try storage.readNow { tx in
                Set(try tx.fetchAll("SELECT identifier FROM \(ledger)").map { row throws(StorageError) in try row.text(0) })
            }
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else { throw DatabaseSetupError.unknownAppliedMigrations(unknown.sorted()) }
            for schema in schemas {
                for migration in schema.migrations where !applied.contains(schema.identifier(of: migration)) {
                    try apply(migration, of: schema, on: storage)
                }
            }
        } catch let error as DatabaseSetupError {
            throw error
        } catch {
            throw .migrationFailed("\(error)")
        }
    }

    private func apply(_ migration: StorageMigration, of schema: StorageSchema, on storage: any Storage) throws {
        let identifier = schema.identifier(of: migration)
        try storage.writeNow { tx in
            // Another process may have applied it since the ledger was read: the check and the work are one transaction.
            guard try tx.fetchOne("SELECT 1 FROM \(ledger) WHERE identifier = ?", [identifier]) == nil else { return }
            let before = try schemaObjects(tx)
            try migration.migrate(tx)
            let outside = try schemaObjects(tx).subtracting(before).filter { !$0.hasPrefix(schema.prefix + "_") }
            if !outside.isEmpty {
                throw DatabaseSetupError.objectOutsidePrefix(migration: identifier, objects: outside.sorted(), prefix: schema.prefix)
            }
            try tx.execute("INSERT INTO \(ledger) (identifier) VALUES (?)", [identifier])
        }
    }
}
