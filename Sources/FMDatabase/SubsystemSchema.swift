public import GRDB

/// One named, append-only schema change of a subsystem.
///
/// - Important: once released, a migration is never renamed, reordered, edited or removed: databases in the field
///   record its name as applied. Change the schema by appending a new migration.
public struct SchemaMigration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

/// The tables of one subsystem (consensus, a module, the client...): a table prefix and the ordered migrations
/// that create and evolve them.
///
/// Every table, index, view or trigger a migration creates must be named `<prefix>_...`, so subsystems can never
/// collide; ``SQLiteDatabase`` checks this when it applies the migration.
public struct SubsystemSchema: Sendable {
    /// Lowercase letters, digits and underscores, starting with a letter (e.g. `consensus`, `mint`).
    public let prefix: String
    public let migrations: [SchemaMigration]

    public init(prefix: String, migrations: [SchemaMigration]) {
        self.prefix = prefix
        self.migrations = migrations
    }

    func validate() throws(DatabaseSetupError) {
        try StorageSchema.validate(prefix: prefix, migrationNames: migrations.map(\.name))
    }

    /// The identifier GRDB records for `migration` once applied.
    func identifier(of migration: SchemaMigration) -> String { "\(prefix)/\(migration.name)" }
}
