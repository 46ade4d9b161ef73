import FMCore
import FMStorage
import Foundation

/// The guardian's own tables: the outcome of every transaction it processed, its processing cursor, the state
/// digest after every block and the other guardians' digests that differed from it, and the guardian operations
/// decided by consensus (``GuardianOperations``).
enum ProcessingSchema {
    static let schema = StorageSchema(
        prefix: "server",
        migrations: [
            StorageMigration("v1 transactions and cursor") { db in
                try db.execute(
                    """
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
            },
            StorageMigration("v2 state digests") { db in
                try db.execute(
                    """
                        CREATE TABLE server_state_digests (
                            height INTEGER PRIMARY KEY NOT NULL,
                            digest BLOB NOT NULL CHECK (length(digest) = 32)
                        );
                        CREATE TABLE server_digest_mismatches (
                            height INTEGER NOT NULL,
                            peer INTEGER NOT NULL,
                            digest BLOB NOT NULL,
                            ours BLOB NOT NULL,
                            PRIMARY KEY (height, peer)
                        ) WITHOUT ROWID;
                        """)
            },
            StorageMigration("v3 federation meta and scheduled shutdown") { db in
                // Decided by consensus (docs/decisions/0002-guardian-operations.md): each guardian's latest meta
                // proposal and shutdown request, the agreed meta (canonical bytes) and the agreed shutdown height.
                try db.execute(
                    """
                        CREATE TABLE server_meta_proposals (
                            peer INTEGER PRIMARY KEY NOT NULL,
                            revision INTEGER NOT NULL,
                            meta BLOB NOT NULL
                        );
                        CREATE TABLE server_meta (
                            id INTEGER PRIMARY KEY CHECK (id = 0),
                            revision INTEGER NOT NULL,
                            meta BLOB NOT NULL,
                            height INTEGER
                        );
                        CREATE TABLE server_shutdown_requests (
                            peer INTEGER PRIMARY KEY NOT NULL,
                            height INTEGER NOT NULL
                        );
                        CREATE TABLE server_shutdown (
                            id INTEGER PRIMARY KEY CHECK (id = 0),
                            height INTEGER NOT NULL,
                            agreed_at INTEGER NOT NULL
                        );
                        """)
                try db.execute(
                    "INSERT INTO server_meta (id, revision, meta, height) VALUES (0, 0, ?, NULL)", [FederationMeta.empty.canonicalBytes])
            },
            StorageMigration("v4 api announcements") { db in
                // Each guardian's newest valid signed API URL (``APIAnnouncement``), canonical bytes.
                try db.execute(
                    """
                        CREATE TABLE server_api_announcements (
                            peer INTEGER PRIMARY KEY NOT NULL,
                            sequence INTEGER NOT NULL,
                            announcement BLOB NOT NULL
                        );
                        """)
            },
            StorageMigration("v5 consensus versions") { db in
                // Each guardian's latest announcement of the consensus versions its binary supports (canonical
                // bytes), and every activated version with the first block it applies to (``ConsensusVersions``).
                try db.execute(
                    """
                        CREATE TABLE server_version_announcements (
                            peer INTEGER PRIMARY KEY NOT NULL,
                            announcement BLOB NOT NULL
                        );
                        CREATE TABLE server_consensus_activations (
                            component TEXT NOT NULL,
                            version INTEGER NOT NULL,
                            height INTEGER NOT NULL,
                            PRIMARY KEY (component, version)
                        ) WITHOUT ROWID;
                        """)
            },
        ])
}
