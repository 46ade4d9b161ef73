import FMDatabase
import GRDB

/// fm-ln-regtest's SQLite file (`lightning.sqlite`): the on-chain wallet, peers, channels, HTLCs, invoices,
/// payments and the channel graph. Every HTLC state change (with the balance it moves) is one transaction.
enum LightningSchema {
    static let schema = SubsystemSchema(
        prefix: "ln",
        migrations: [
            SchemaMigration("v1 wallet, peers, channels, htlcs, invoices, payments, graph") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE ln_state (
                            id INTEGER PRIMARY KEY CHECK (id = 1),
                            scan_height INTEGER NOT NULL
                        );
                        INSERT INTO ln_state (id, scan_height) VALUES (1, -1);
                        CREATE TABLE ln_wallet_keys (
                            key_index INTEGER PRIMARY KEY,
                            script BLOB NOT NULL UNIQUE
                        );
                        CREATE TABLE ln_utxos (
                            txid BLOB NOT NULL,
                            vout INTEGER NOT NULL,
                            value INTEGER NOT NULL,
                            script BLOB NOT NULL,
                            height INTEGER NOT NULL,
                            spent_by BLOB,
                            PRIMARY KEY (txid, vout)
                        );
                        CREATE TABLE ln_peers (
                            node_id BLOB PRIMARY KEY,
                            host TEXT NOT NULL,
                            port INTEGER NOT NULL
                        );
                        CREATE TABLE ln_channels (
                            channel_id TEXT PRIMARY KEY,
                            peer_id BLOB NOT NULL,
                            opener_local INTEGER NOT NULL,
                            funding_txid BLOB NOT NULL,
                            funding_vout INTEGER NOT NULL,
                            funding_sat INTEGER NOT NULL,
                            local_funding_key_index INTEGER NOT NULL,
                            remote_funding_pubkey BLOB NOT NULL,
                            state TEXT NOT NULL,
                            short_channel_id TEXT,
                            to_us_msat INTEGER NOT NULL,
                            to_them_msat INTEGER NOT NULL,
                            next_htlc_id INTEGER NOT NULL DEFAULT 0,
                            funding_raw BLOB
                        );
                        CREATE TABLE ln_htlcs (
                            channel_id TEXT NOT NULL REFERENCES ln_channels(channel_id),
                            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                            htlc_id INTEGER NOT NULL,
                            amount_msat INTEGER NOT NULL,
                            payment_hash BLOB NOT NULL,
                            cltv_expiry INTEGER NOT NULL,
                            onion TEXT NOT NULL,
                            state TEXT NOT NULL,
                            preimage BLOB,
                            failure TEXT,
                            delivered INTEGER NOT NULL DEFAULT 0,
                            origin_channel TEXT,
                            origin_htlc INTEGER,
                            payment_id INTEGER,
                            PRIMARY KEY (channel_id, direction, htlc_id)
                        );
                        CREATE TABLE ln_invoices (
                            created_index INTEGER PRIMARY KEY AUTOINCREMENT,
                            label TEXT NOT NULL UNIQUE,
                            payment_hash BLOB NOT NULL UNIQUE,
                            preimage BLOB,
                            payment_secret BLOB NOT NULL,
                            amount_msat INTEGER,
                            description TEXT NOT NULL,
                            bolt11 TEXT NOT NULL,
                            expires_at INTEGER NOT NULL,
                            min_final_cltv INTEGER NOT NULL,
                            hold INTEGER NOT NULL,
                            status TEXT NOT NULL,
                            pay_index INTEGER UNIQUE,
                            amount_received_msat INTEGER,
                            paid_at INTEGER
                        );
                        CREATE TABLE ln_payments (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            payment_hash BLOB NOT NULL,
                            bolt11 TEXT,
                            destination BLOB NOT NULL,
                            amount_msat INTEGER NOT NULL,
                            amount_sent_msat INTEGER NOT NULL,
                            status TEXT NOT NULL,
                            preimage BLOB,
                            failure TEXT,
                            erring_channel TEXT,
                            created_at INTEGER NOT NULL,
                            completed_at INTEGER
                        );
                        CREATE TABLE ln_graph (
                            short_channel_id TEXT NOT NULL,
                            source BLOB NOT NULL,
                            destination BLOB NOT NULL,
                            capacity_sat INTEGER NOT NULL,
                            fee_base_msat INTEGER NOT NULL,
                            fee_ppm INTEGER NOT NULL,
                            cltv_delta INTEGER NOT NULL,
                            PRIMARY KEY (short_channel_id, source)
                        );
                        """)
            }
        ])
}

extension Row {
    /// A non-negative integer column as `UInt64` (throws on a corrupt negative value instead of trapping).
    func amount(_ column: String) throws -> UInt64 {
        try UInt64(storedInteger: self[column] as Int64, column)
    }

    func optionalAmount(_ column: String) throws -> UInt64? {
        guard let stored = self[column] as Int64? else { return nil }
        return try UInt64(storedInteger: stored, column)
    }
}
