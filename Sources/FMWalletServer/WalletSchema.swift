import FMStorage

/// The wallet's tables (prefix `wallet`). All of them are consensus state: written only while applying consensus
/// items and transactions, so every guardian holds the same rows.
///
/// - `wallet_block_height_votes`, `wallet_fee_rate_votes`: each guardian's latest vote.
/// - `wallet_state`: `consensus_height` (the median block height vote, never decreasing).
/// - `wallet_block_hashes`: the agreed hash of every final block (since `3_chain_facts`; before, each guardian's own
///   node's). Peg-in proofs must name one of these blocks.
/// - `wallet_utxos`: **safety-critical.** Every claimed deposit and every peg-out change output, primary key
///   outpoint: a row exists once a deposit is claimed, so it can never be claimed twice. `spent_by` is the peg-out
///   transaction that spends it (NULL: spendable). Rows are never deleted.
/// - `wallet_peg_outs`: every peg-out transaction, unsigned, and signed once t signature shares are in; with the
///   e-cash out point whose outcome it is.
/// - `wallet_peg_out_signatures`: each guardian's verified signature share per peg-out.
///
/// Since `2_fee_bump` (docs/wallet.md, "Fee bump"): `wallet_peg_outs` also holds the federation's CPFP children
/// (`fm_txid`/`fm_out_index` NULL: no e-cash outcome), each row's fee (sat), estimated vsize and the consensus
/// height it was built at (NULL for rows built before the migration: never part of a bumped package), and the
/// consensus height of the final block that confirmed it (`confirmed_at`, NULL: not seen in a final block);
/// `wallet_state` holds `fee_surplus_msat` (peg-out fees collected minus bump fees spent).
///
/// Since `3_chain_facts` (docs/wallet.md, "Chain facts"): `wallet_block_hashes` and `confirmed_at` hold only facts
/// that t guardians voted alike; `wallet_block_hash_votes` (one row per guardian per height) and
/// `wallet_confirmation_votes` (one row per guardian per unconfirmed federation transaction) hold the votes not yet
/// agreed, deleted once their fact is; `wallet_state` holds `next_hash_height`, the lowest final height whose hash
/// is not agreed (hash votes are taken for at most ``ChainFacts/window`` heights from it). Rows written before the
/// migration stay as they are.
///
/// Since `4_scanned_through` (docs/wallet.md, "Fee bump"): `wallet_scan_votes` holds each guardian's latest
/// ``WalletConsensusItem/scannedThrough(_:voter:)`` vote (never decreasing) and `wallet_state` `scanned_through`, the
/// highest height that t guardians voted (0 until then: a federation upgraded with stuck peg-outs bumps none until
/// its guardians have scanned again).
///
/// Since `5_peg_out_order`: `wallet_peg_outs.seq`, each peg-out's and bump's place in the order the federation built
/// them (0, 1, 2, …; unique), by which peg-outs are signed and sent and bump packages read. It was SQLite's `rowid`
/// before, which PostgreSQL does not have; the migration copies that order (`rowid - 1`) into the column. It is
/// plain data, never an identity column, so rows copy verbatim between backends. It is not in the state digest
/// (which orders peg-outs by txid): every guardian inserts in consensus order, and leaving it out keeps the digests
/// of existing databases byte-identical.
///
/// Written in the portable subset (FMStorage), so they run on SQLite and PostgreSQL; on SQLite they keep their
/// identifiers (`wallet/1_create` ...) in GRDB's ledger and produce exactly the schema they always did (databases in
/// the field see no change). Where the subset cannot say it (SQLite's table rebuild in `2_fee_bump`, the rowid
/// order in `5_peg_out_order`) a migration branches on the dialect and PostgreSQL reaches the same columns and
/// constraints (`BIGINT`, `BYTEA`).
///
/// - Important: released migrations are never edited; append new ones.
enum WalletSchema {
    static let schema = StorageSchema(prefix: "wallet", migrations: [
        StorageMigration("1_create") { db in
            try db.execute("""
                CREATE TABLE wallet_block_height_votes (peer INTEGER PRIMARY KEY NOT NULL, height INTEGER NOT NULL);
                CREATE TABLE wallet_fee_rate_votes (peer INTEGER PRIMARY KEY NOT NULL, rate INTEGER NOT NULL);
                CREATE TABLE wallet_state (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO wallet_state (name, value) VALUES ('consensus_height', 0);
                CREATE TABLE wallet_block_hashes (
                    height INTEGER PRIMARY KEY NOT NULL,
                    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
                );
                CREATE TABLE wallet_utxos (
                    txid BLOB NOT NULL CHECK (length(txid) = 32),
                    vout INTEGER NOT NULL,
                    value INTEGER NOT NULL,
                    tweak_key BLOB CHECK (tweak_key IS NULL OR length(tweak_key) = 33),
                    spent_by BLOB,
                    PRIMARY KEY (txid, vout)
                ) WITHOUT ROWID;
                CREATE TABLE wallet_peg_outs (
                    txid BLOB PRIMARY KEY NOT NULL CHECK (length(txid) = 32),
                    fm_txid BLOB NOT NULL,
                    fm_out_index INTEGER NOT NULL,
                    unsigned_tx BLOB NOT NULL,
                    signed_tx BLOB,
                    UNIQUE (fm_txid, fm_out_index)
                );
                CREATE TABLE wallet_peg_out_signatures (
                    txid BLOB NOT NULL,
                    peer INTEGER NOT NULL,
                    share BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (txid, peer)
                ) WITHOUT ROWID;
                """)
        },
        StorageMigration("2_fee_bump") { db in
            guard db.dialect == .sqlite else {
                // PostgreSQL drops NOT NULL and adds columns and the CHECK in place: the same columns, in the same order.
                try db.execute("""
                    ALTER TABLE wallet_peg_outs ALTER COLUMN fm_txid DROP NOT NULL;
                    ALTER TABLE wallet_peg_outs ALTER COLUMN fm_out_index DROP NOT NULL;
                    ALTER TABLE wallet_peg_outs
                        ADD COLUMN fee INTEGER, ADD COLUMN vsize INTEGER, ADD COLUMN built_at INTEGER, ADD COLUMN confirmed_at INTEGER,
                        ADD CHECK ((fm_txid IS NULL) = (fm_out_index IS NULL));
                    INSERT INTO wallet_state (name, value) VALUES ('fee_surplus_msat', 0);
                    """)
                return
            }
            // SQLite cannot drop NOT NULL in place: rebuild the table, keeping each row's rowid (broadcast order).
            try db.execute("""
                CREATE TABLE wallet_peg_outs_v2 (
                    txid BLOB PRIMARY KEY NOT NULL CHECK (length(txid) = 32),
                    fm_txid BLOB,
                    fm_out_index INTEGER,
                    unsigned_tx BLOB NOT NULL,
                    signed_tx BLOB,
                    fee INTEGER,
                    vsize INTEGER,
                    built_at INTEGER,
                    confirmed_at INTEGER,
                    UNIQUE (fm_txid, fm_out_index),
                    CHECK ((fm_txid IS NULL) = (fm_out_index IS NULL))
                );
                INSERT INTO wallet_peg_outs_v2 (rowid, txid, fm_txid, fm_out_index, unsigned_tx, signed_tx)
                    SELECT rowid, txid, fm_txid, fm_out_index, unsigned_tx, signed_tx FROM wallet_peg_outs;
                DROP TABLE wallet_peg_outs;
                ALTER TABLE wallet_peg_outs_v2 RENAME TO wallet_peg_outs;
                INSERT INTO wallet_state (name, value) VALUES ('fee_surplus_msat', 0);
                """)
        },
        StorageMigration("3_chain_facts") { db in
            try db.execute("""
                CREATE TABLE wallet_block_hash_votes (
                    height INTEGER NOT NULL,
                    peer INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (height, peer)
                ) WITHOUT ROWID;
                CREATE TABLE wallet_confirmation_votes (
                    txid BLOB NOT NULL CHECK (length(txid) = 32),
                    peer INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    PRIMARY KEY (txid, peer)
                ) WITHOUT ROWID;
                INSERT INTO wallet_state (name, value)
                    SELECT 'next_hash_height', coalesce(max(height) + 1, 0) FROM wallet_block_hashes;
                """)
        },
        StorageMigration("4_scanned_through") { db in
            try db.execute("""
                CREATE TABLE wallet_scan_votes (peer INTEGER PRIMARY KEY NOT NULL, height INTEGER NOT NULL);
                INSERT INTO wallet_state (name, value) VALUES ('scanned_through', 0);
                """)
        },
        StorageMigration("5_peg_out_order") { db in
            try db.execute("ALTER TABLE wallet_peg_outs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0 CHECK (seq >= 0)")
            switch db.dialect {
            case .sqlite:
                // Rows are never deleted, so rowids are 1, 2, … in the order the peg-outs and bumps were built.
                try db.execute("UPDATE wallet_peg_outs SET seq = rowid - 1")
            case .postgres:
                // A PostgreSQL database gets its wallet tables from this version on (or rows copied with their seq
                // after every migration), so the table is empty here; rows without their order would be a guess.
                guard try db.fetchOne("SELECT 1 AS present FROM wallet_peg_outs LIMIT 1") == nil else {
                    throw StorageError(.misuse, "wallet_peg_outs has rows but no recorded order (no rowid in PostgreSQL)")
                }
            }
            try db.execute("CREATE UNIQUE INDEX wallet_peg_outs_by_seq ON wallet_peg_outs (seq)")
        },
    ])
}
