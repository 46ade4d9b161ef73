import FMDatabase
import GRDB

/// The guardian's own tables: the outcome of every transaction it processed and its processing cursor.
enum ProcessingSchema {
    static let schema = SubsystemSchema(
        prefix: "server",
        migrations: [
            SchemaMigration("v1 transactions and cursor") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE server_transactions (
                            txid BLOB PRIMARY KEY,
                            accepted INTEGER NOT NULL,
                            code TEXT,
                            message TEXT,
                            height INTEGER NOT NULL
                        );
                        CREATE TABLE server_cursor (
                            id INTEGER PRIMARY KEY CHECK (id = 0),
                            next_height INTEGER NOT NULL,
                            halted_reason TEXT
                        );
                        INSERT INTO server_cursor (id, next_height, halted_reason) VALUES (0, 0, NULL);
                        """)
            }
        ])
}
