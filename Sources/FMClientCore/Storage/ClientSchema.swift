import FMDatabase
public import GRDB

/// The core client tables of a federation's database (prefix `client`); modules add their own
/// schemas beside it.
public enum ClientSchema {
    public static let schema = SubsystemSchema(prefix: "client", migrations: [
        SchemaMigration("v1-config-operations-indices") { db in
            try db.execute(sql: """
                CREATE TABLE client_federation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    federation_id TEXT NOT NULL,
                    config TEXT NOT NULL,
                    secret_fingerprint TEXT NOT NULL,
                    joined_at TEXT NOT NULL
                );
                CREATE TABLE client_operations (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                    state TEXT NOT NULL,
                    result TEXT,
                    failure TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX client_operations_by_status ON client_operations (status, created_at);
                CREATE TABLE client_derivation_indices (
                    module INTEGER NOT NULL,
                    purpose TEXT NOT NULL,
                    next_index INTEGER NOT NULL,
                    PRIMARY KEY (module, purpose)
                );
                """)
        },
        // The sequence of the newest snapshot this client sealed (uploads must rise; docs/wallet.md).
        SchemaMigration("v2-backup-sequence") { db in
            try db.execute(sql: """
                CREATE TABLE client_backup (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    sequence INTEGER NOT NULL,
                    marker TEXT
                );
                """)
        },
        // The mnemonic's check (`Mnemonic.check(for:)`), which needs no seed; NULL in a database joined before it,
        // where the first open checks the secret fingerprint and fills it in.
        SchemaMigration("v3-mnemonic-check") { db in
            try db.execute(sql: "ALTER TABLE client_federation ADD COLUMN mnemonic_check TEXT")
        },
    ])
}
