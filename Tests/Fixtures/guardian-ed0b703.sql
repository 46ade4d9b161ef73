PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('server/v1 transactions and cursor');
INSERT INTO grdb_migrations VALUES('server/v2 state digests');
INSERT INTO grdb_migrations VALUES('server/v3 federation meta and scheduled shutdown');
INSERT INTO grdb_migrations VALUES('server/v4 api announcements');
INSERT INTO grdb_migrations VALUES('server/v5 consensus versions');
INSERT INTO grdb_migrations VALUES('mint/1_create');
INSERT INTO grdb_migrations VALUES('mint/2_issued_outputs');
INSERT INTO grdb_migrations VALUES('mint/3_outstanding_total');
INSERT INTO grdb_migrations VALUES('mint/4_issuance_chain');
INSERT INTO grdb_migrations VALUES('wallet/1_create');
INSERT INTO grdb_migrations VALUES('wallet/2_fee_bump');
INSERT INTO grdb_migrations VALUES('wallet/3_chain_facts');
INSERT INTO grdb_migrations VALUES('wallet/4_scanned_through');
INSERT INTO grdb_migrations VALUES('ln/1_create');
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
INSERT INTO server_cursor VALUES(0,7,NULL);
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
INSERT INTO server_meta VALUES(0,0,X'0000',NULL);
CREATE TABLE server_shutdown_requests (
    peer INTEGER PRIMARY KEY NOT NULL,
    height INTEGER NOT NULL
);
CREATE TABLE server_shutdown (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    height INTEGER NOT NULL,
    agreed_at INTEGER NOT NULL
);
CREATE TABLE server_api_announcements (
    peer INTEGER PRIMARY KEY NOT NULL,
    sequence INTEGER NOT NULL,
    announcement BLOB NOT NULL
);
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
INSERT INTO server_consensus_activations VALUES('mint',2,5);
CREATE TABLE mint_spent_nonces (
    nonce BLOB PRIMARY KEY NOT NULL CHECK (length(nonce) = 32),
    denomination INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO mint_spent_nonces VALUES(X'0101010101010101010101010101010101010101010101010101010101010101',0);
INSERT INTO mint_spent_nonces VALUES(X'0202020202020202020202020202020202020202020202020202020202020202',3);
INSERT INTO mint_spent_nonces VALUES(X'0303030303030303030303030303030303030303030303030303030303030303',10);
CREATE TABLE mint_output_outcomes (
    txid BLOB NOT NULL,
    out_index INTEGER NOT NULL,
    denomination INTEGER NOT NULL,
    share BLOB NOT NULL,
    PRIMARY KEY (txid, out_index)
) WITHOUT ROWID;
INSERT INTO mint_output_outcomes VALUES(X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',0,2,X'0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b');
CREATE TABLE mint_totals (
    name TEXT PRIMARY KEY NOT NULL,
    msats INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO mint_totals VALUES('dev_issued',5000);
INSERT INTO mint_totals VALUES('outstanding',123456789);
CREATE TABLE mint_issued_outputs (
    seq INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 0),
    txid BLOB NOT NULL,
    out_index INTEGER NOT NULL,
    denomination INTEGER NOT NULL,
    blinded_message BLOB NOT NULL CHECK (length(blinded_message) = 48),
    UNIQUE (txid, out_index)
);
INSERT INTO mint_issued_outputs VALUES(0,X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',0,2,X'0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c');
INSERT INTO mint_issued_outputs VALUES(1,X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',1,4,X'0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d');
CREATE TABLE mint_issuance_chain (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    chain BLOB NOT NULL CHECK (length(chain) = 32),
    length INTEGER NOT NULL CHECK (length >= 0),
    since_seq INTEGER NOT NULL CHECK (since_seq >= 0)
);
INSERT INTO mint_issuance_chain VALUES(0,X'0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e',2,0);
CREATE TABLE wallet_block_height_votes (peer INTEGER PRIMARY KEY NOT NULL, height INTEGER NOT NULL);
INSERT INTO wallet_block_height_votes VALUES(0,812345);
INSERT INTO wallet_block_height_votes VALUES(1,812346);
INSERT INTO wallet_block_height_votes VALUES(3,812340);
CREATE TABLE wallet_fee_rate_votes (peer INTEGER PRIMARY KEY NOT NULL, rate INTEGER NOT NULL);
INSERT INTO wallet_fee_rate_votes VALUES(0,1000);
INSERT INTO wallet_fee_rate_votes VALUES(2,2500);
CREATE TABLE wallet_state (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO wallet_state VALUES('consensus_height',812345);
INSERT INTO wallet_state VALUES('fee_surplus_msat',4321);
INSERT INTO wallet_state VALUES('next_hash_height',0);
INSERT INTO wallet_state VALUES('scanned_through',0);
CREATE TABLE wallet_block_hashes (
    height INTEGER PRIMARY KEY NOT NULL,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
);
INSERT INTO wallet_block_hashes VALUES(812340,X'2121212121212121212121212121212121212121212121212121212121212121');
INSERT INTO wallet_block_hashes VALUES(812341,X'2222222222222222222222222222222222222222222222222222222222222222');
INSERT INTO wallet_block_hashes VALUES(812345,X'2323232323232323232323232323232323232323232323232323232323232323');
CREATE TABLE wallet_utxos (
    txid BLOB NOT NULL CHECK (length(txid) = 32),
    vout INTEGER NOT NULL,
    value INTEGER NOT NULL,
    tweak_key BLOB CHECK (tweak_key IS NULL OR length(tweak_key) = 33),
    spent_by BLOB,
    PRIMARY KEY (txid, vout)
) WITHOUT ROWID;
INSERT INTO wallet_utxos VALUES(X'3131313131313131313131313131313131313131313131313131313131313131',0,150000,X'020202020202020202020202020202020202020202020202020202020202020202',NULL);
INSERT INTO wallet_utxos VALUES(X'3131313131313131313131313131313131313131313131313131313131313131',1,99999,NULL,NULL);
INSERT INTO wallet_utxos VALUES(X'3232323232323232323232323232323232323232323232323232323232323232',5,70000,NULL,X'2626262626262626262626262626262626262626262626262626262626262626');
CREATE TABLE wallet_peg_out_signatures (
    txid BLOB NOT NULL,
    peer INTEGER NOT NULL,
    share BLOB NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (txid, peer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "wallet_peg_outs" (
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
INSERT INTO wallet_peg_outs VALUES(X'2626262626262626262626262626262626262626262626262626262626262626',X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',2,X'414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141',X'424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242424242',1530,153,812345,NULL);
INSERT INTO wallet_peg_outs VALUES(X'2727272727272727272727272727272727272727272727272727272727272727',NULL,NULL,X'434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343434343',NULL,2000,200,812346,812347);
CREATE TABLE wallet_block_hash_votes (
    height INTEGER NOT NULL,
    peer INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (height, peer)
) WITHOUT ROWID;
INSERT INTO wallet_block_hash_votes VALUES(812346,0,X'2424242424242424242424242424242424242424242424242424242424242424');
INSERT INTO wallet_block_hash_votes VALUES(812346,2,X'2525252525252525252525252525252525252525252525252525252525252525');
CREATE TABLE wallet_confirmation_votes (
    txid BLOB NOT NULL CHECK (length(txid) = 32),
    peer INTEGER NOT NULL,
    height INTEGER NOT NULL,
    PRIMARY KEY (txid, peer)
) WITHOUT ROWID;
INSERT INTO wallet_confirmation_votes VALUES(X'2626262626262626262626262626262626262626262626262626262626262626',1,812344);
CREATE TABLE wallet_scan_votes (peer INTEGER PRIMARY KEY NOT NULL, height INTEGER NOT NULL);
INSERT INTO wallet_scan_votes VALUES(1,812000);
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
INSERT INTO ln_contracts VALUES(X'5151515151515151515151515151515151515151515151515151515151515151','outgoing',X'5252525252525252525252525252525252525252525252525252525252525252',500000,'claimed',X'5353535353535353535353535353535353535353535353535353535353535353',X'54545454545454545454545454545454545454545454545454545454545454545454545454545454',X'5555555555555555555555555555555555555555555555555555555555555555',NULL,X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',3);
INSERT INTO ln_contracts VALUES(X'6161616161616161616161616161616161616161616161616161616161616161','incoming',X'6262626262626262626262626262626262626262626262626262626262626262',277000,'funded',NULL,X'64646464646464646464646464646464646464646464646464646464646464646464646464646464',X'6565656565656565656565656565656565656565656565656565656565656565',X'666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666',X'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',4);
CREATE TABLE ln_used_preimages (
    payment_hash BLOB PRIMARY KEY NOT NULL CHECK (length(payment_hash) = 32),
    contract_id BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE ln_time_votes (
    peer INTEGER PRIMARY KEY NOT NULL,
    seconds INTEGER NOT NULL CHECK (seconds >= 0)
);
INSERT INTO ln_time_votes VALUES(0,1800000000);
INSERT INTO ln_time_votes VALUES(2,1800000010);
CREATE TABLE ln_totals (
    name TEXT PRIMARY KEY NOT NULL,
    msats INTEGER NOT NULL CHECK (msats >= 0)
) WITHOUT ROWID;
INSERT INTO ln_totals VALUES('contracts',777000);
CREATE INDEX ln_contracts_by_user_key ON ln_contracts (user_key);
CREATE UNIQUE INDEX ln_one_live_outgoing_per_hash ON ln_contracts (payment_hash)
    WHERE direction = 'outgoing' AND state IN ('funded', 'claimed');
COMMIT;
