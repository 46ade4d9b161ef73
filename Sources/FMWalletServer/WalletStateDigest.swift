import FMServerCore
import FMStorage

extension WalletServerModule {
    /// Votes (height, fee rate, scan and the chain-fact votes not yet agreed), consensus height, the agreed block hashes of
    /// the last ``initialSyncDepth`` heights, the unspent UTXOs and the peg-outs and fee bumps with their signing
    /// state, fee bookkeeping and agreed confirmation height. The fee surplus and `next_hash_height` are in
    /// `wallet_state`. Chain facts are agreed by consensus (``ChainFacts``), so a guardian whose node reorged or is
    /// down has the same digest as the others.
    public func stateDigest(db: any StorageReading) throws -> [UInt8] {
        var builder = StateDigestBuilder()
        try builder.add("state", rowsOf: "SELECT name, value FROM wallet_state ORDER BY name", db: db)
        try builder.add("height votes", rowsOf: "SELECT peer, height FROM wallet_block_height_votes ORDER BY peer", db: db)
        try builder.add("fee votes", rowsOf: "SELECT peer, rate FROM wallet_fee_rate_votes ORDER BY peer", db: db)
        try builder.add("scan votes", rowsOf: "SELECT peer, height FROM wallet_scan_votes ORDER BY peer", db: db)
        try builder.add(
            "block hash votes", rowsOf: "SELECT height, peer, hash FROM wallet_block_hash_votes ORDER BY height, peer", db: db)
        try builder.add(
            "confirmation votes", rowsOf: "SELECT txid, peer, height FROM wallet_confirmation_votes ORDER BY txid, peer", db: db)
        try builder.add(
            "block hashes",
            rowsOf: """
                SELECT height, hash FROM wallet_block_hashes
                WHERE height > (SELECT coalesce(max(height), 0) FROM wallet_block_hashes) - ? ORDER BY height
                """,
            arguments: [Int64(Self.initialSyncDepth)], db: db)
        try builder.add(
            "utxos", rowsOf: "SELECT txid, vout, value, tweak_key FROM wallet_utxos WHERE spent_by IS NULL ORDER BY txid, vout",
            db: db)
        try builder.add(
            "peg-outs", rowsOf: """
                SELECT txid, fm_txid, fm_out_index, signed_tx IS NOT NULL, fee, vsize, built_at, confirmed_at
                FROM wallet_peg_outs ORDER BY txid
                """,
            db: db)
        return builder.digest
    }
}
