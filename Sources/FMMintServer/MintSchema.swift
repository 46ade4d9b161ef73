import FMStorage

/// The mint's tables (prefix `mint`).
///
/// - `mint_spent_nonces`: **safety-critical.** Every redeemed note's nonce,
///   primary key: the database itself refuses a second spend of a nonce, in
///   the same transaction, block or any later one. Rows are never deleted.
/// - `mint_output_outcomes`: this guardian's blind signature share for every
///   issued output, by out point, served to clients (`await_output_outcome`).
/// - `mint_issued_outputs`: every accepted output's blinded message in order
///   of issuance (`seq` 0, 1, 2, … without gaps: rows of a rejected
///   transaction roll back with its savepoint), served to recovering clients
///   (`mint/issued_outputs`).
/// - `mint_issuance_chain`: under consensus version 2 only, a SHA-256 chain over every output issued since the
///   version activated (``MintIssuanceChain``).
/// - `mint_totals`: the audit's figures in msat, updated in the same
///   transaction as the items: `outstanding` (notes issued and not yet
///   redeemed: the liability, bounded by what the federation holds) and
///   `dev_issued` (dev mode only). Until migration 3 the mint kept cumulative
///   `issued` and `redeemed` totals, which a long-lived federation's turnover
///   could push past what SQLite stores (2^63 msat), bricking issuance.
///
/// Written in the portable subset (FMStorage), so they run on SQLite and PostgreSQL alike; on SQLite they keep their
/// identifiers (`mint/1_create` ...) in GRDB's ledger, so databases in the field see no change.
///
/// - Important: released migrations are never edited; append new ones.
enum MintSchema {
    static let prefix = "mint"

    static let schema = StorageSchema(prefix: prefix, migrations: [
        StorageMigration("1_create") { db in
            try db.execute("""
                CREATE TABLE mint_spent_nonces (
                    nonce BLOB PRIMARY KEY NOT NULL CHECK (length(nonce) = 32),
                    denomination INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE mint_output_outcomes (
                    txid BLOB NOT NULL,
                    out_index INTEGER NOT NULL,
                    denomination INTEGER NOT NULL,
                    share BLOB NOT NULL,
                    PRIMARY KEY (txid, out_index)
                ) WITHOUT ROWID;
                CREATE TABLE mint_totals (
                    name TEXT PRIMARY KEY NOT NULL,
                    msats INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO mint_totals (name, msats) VALUES ('issued', 0), ('redeemed', 0), ('dev_issued', 0);
                """)
        },
        StorageMigration("2_issued_outputs") { db in
            try db.execute("""
                CREATE TABLE mint_issued_outputs (
                    seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 0),
                    txid BLOB NOT NULL,
                    out_index INTEGER NOT NULL,
                    denomination INTEGER NOT NULL,
                    blinded_message BLOB NOT NULL CHECK (length(blinded_message) = 48),
                    UNIQUE (txid, out_index)
                );
                """)
        },
        StorageMigration("3_outstanding_total") { db in
            try db.execute("""
                INSERT INTO mint_totals (name, msats) VALUES ('outstanding',
                    (SELECT msats FROM mint_totals WHERE name = 'issued') - (SELECT msats FROM mint_totals WHERE name = 'redeemed'));
                DELETE FROM mint_totals WHERE name IN ('issued', 'redeemed');
                """)
        },
        StorageMigration("4_issuance_chain") { db in
            // Consensus version 2 (``MintServerModule/issuanceChainVersion``): one row once it is active.
            try db.execute("""
                CREATE TABLE mint_issuance_chain (
                    id INTEGER PRIMARY KEY CHECK (id = 0),
                    chain BLOB NOT NULL CHECK (length(chain) = 32),
                    length INTEGER NOT NULL CHECK (length >= 0),
                    since_seq INTEGER NOT NULL CHECK (since_seq >= 0)
                );
                """)
        },
    ])
}

/// The running totals the audit reads.
enum MintTotal: String {
    case outstanding, devIssued = "dev_issued"
}
