import FMStorage

/// The Lightning module's tables (prefix `ln`).
///
/// - `ln_contracts`: **safety-critical.** Every funded contract by id (primary key: a contract is funded once), its
///   canonical bytes, amount and state (`funded` → `claimed` | `refunded`, never back: a contract is spent once).
///   A partial unique index allows one live (funded or claimed) outgoing contract per payment hash, so the same
///   invoice is paid once. `user_key` is the key a user's wallet derived for the contract (the refund key of an
///   outgoing contract, the claim key of an incoming one), by which recovery from the mnemonic finds it
///   (`ln/contracts_by_key`). `decryption_share`: this guardian's share of an incoming contract's ciphertext, made
///   when the contract is funded (never before) and served by `ln/decryption_share`; it differs between guardians,
///   so it stays out of the state digest.
/// - `ln_used_preimages`: every payment hash whose preimage claimed a contract (primary key): a preimage opens one
///   contract, ever.
/// - `ln_time_votes`: each guardian's latest clock vote (unix seconds); consensus time is their median.
/// - `ln_totals`: `contracts`, the msat in funded contracts: the module's liability.
///
/// Written in the portable subset (FMStorage): they run on SQLite (under the same identifiers in GRDB's ledger as
/// before) and on PostgreSQL, whose partial unique index means the same.
///
/// - Important: released migrations are never edited; append new ones.
enum LightningSchema {
    static let schema = StorageSchema(prefix: "ln", migrations: [
        StorageMigration("1_create") { db in
            try db.execute("""
                CREATE TABLE ln_contracts (
                    contract_id BLOB PRIMARY KEY NOT NULL CHECK (length(contract_id) = 32),
                    direction TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
                    payment_hash BLOB NOT NULL CHECK (length(payment_hash) = 32),
                    amount INTEGER NOT NULL CHECK (amount > 0),
                    state TEXT NOT NULL CHECK (state IN ('funded', 'claimed', 'refunded')),
                    preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
                    contract BLOB NOT NULL,
                    user_key BLOB NOT NULL CHECK (length(user_key) = 32),
                    decryption_share BLOB CHECK (decryption_share IS NULL OR length(decryption_share) = 96),
                    txid BLOB NOT NULL,
                    out_index INTEGER NOT NULL,
                    UNIQUE (txid, out_index)
                ) WITHOUT ROWID;
                CREATE INDEX ln_contracts_by_user_key ON ln_contracts (user_key);
                CREATE UNIQUE INDEX ln_one_live_outgoing_per_hash ON ln_contracts (payment_hash)
                    WHERE direction = 'outgoing' AND state IN ('funded', 'claimed');
                CREATE TABLE ln_used_preimages (
                    payment_hash BLOB PRIMARY KEY NOT NULL CHECK (length(payment_hash) = 32),
                    contract_id BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE ln_time_votes (
                    peer INTEGER PRIMARY KEY NOT NULL,
                    seconds INTEGER NOT NULL CHECK (seconds >= 0)
                );
                CREATE TABLE ln_totals (
                    name TEXT PRIMARY KEY NOT NULL,
                    msats INTEGER NOT NULL CHECK (msats >= 0)
                ) WITHOUT ROWID;
                INSERT INTO ln_totals (name, msats) VALUES ('contracts', 0);
                """)
        },
    ])
}
