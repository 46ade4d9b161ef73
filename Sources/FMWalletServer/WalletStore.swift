import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1
import FMStorage
import FMWalletCommon

/// Reads and writes of the wallet's tables (``WalletSchema``), in the portable subset of FMStorage, inside the
/// transaction the guardian hands the module.
enum WalletStore {
    // MARK: Votes and the consensus height

    static func consensusHeight(_ db: any StorageReading) throws -> UInt64 {
        try state("consensus_height", db: db)
    }

    static func setConsensusHeight(_ height: UInt64, db: any StorageWriting) throws {
        try setState("consensus_height", to: height, db: db)
    }

    static func heightVote(of peer: PeerID, db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT height FROM wallet_block_height_votes WHERE peer = ?", [Int(peer.rawValue)])?.unsigned("height")
    }

    /// Keeps the higher of the stored and the new vote: a guardian's vote never goes down.
    static func recordHeightVote(_ height: UInt64, of peer: PeerID, db: any StorageWriting) throws {
        try db.execute(
            """
            INSERT INTO wallet_block_height_votes (peer, height) VALUES (?, ?)
            ON CONFLICT (peer) DO UPDATE SET height = CASE WHEN excluded.height > wallet_block_height_votes.height
                THEN excluded.height ELSE wallet_block_height_votes.height END
            """,
            [Int(peer.rawValue), try height.storedInteger("height vote")])
    }

    static func heightVotes(_ db: any StorageReading) throws -> [UInt64] {
        try db.fetchAll("SELECT height FROM wallet_block_height_votes").map { try $0.unsigned("height") }
    }

    static func feeRateVote(of peer: PeerID, db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT rate FROM wallet_fee_rate_votes WHERE peer = ?", [Int(peer.rawValue)])?.unsigned("rate")
    }

    /// `rate` is bounded when the vote is decoded (``PegOut/maximumFeeRate``).
    static func recordFeeRateVote(_ rate: UInt64, of peer: PeerID, db: any StorageWriting) throws {
        try db.execute(
            "INSERT INTO wallet_fee_rate_votes (peer, rate) VALUES (?, ?) ON CONFLICT (peer) DO UPDATE SET rate = excluded.rate",
            [Int(peer.rawValue), try rate.storedInteger("fee rate vote")])
    }

    static func feeRateVotes(_ db: any StorageReading) throws -> [UInt64] {
        try db.fetchAll("SELECT rate FROM wallet_fee_rate_votes").map { try $0.unsigned("rate") }
    }

    // MARK: Chain facts (``ChainFacts``)

    static func nextHashHeight(_ db: any StorageReading) throws -> UInt64 {
        try state("next_hash_height", db: db)
    }

    static func setNextHashHeight(_ height: UInt64, db: any StorageWriting) throws {
        try setState("next_hash_height", to: height, db: db)
    }

    /// The agreed hash of the final block at `height`.
    static func blockHash(at height: UInt64, db: any StorageReading) throws -> FMBitcoin.Hash256? {
        try db.fetchOne("SELECT hash FROM wallet_block_hashes WHERE height = ?", [try height.storedInteger("block height")])
            .map { try FMBitcoin.Hash256(bytes: try $0.blob("hash")) }
    }

    /// The height of `hash` if it is a block the federation counts as final.
    static func height(of hash: FMBitcoin.Hash256, db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT height FROM wallet_block_hashes WHERE hash = ?", [hash.bytes])?.unsigned("height")
    }

    /// The lowest height with an agreed hash.
    static func lowestAgreedHeight(_ db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT min(height) AS lowest FROM wallet_block_hashes")?.optionalUnsigned("lowest")
    }

    /// Replaces `peer`'s vote for `height`; returns how many guardians now vote `hash` there.
    static func recordHashVote(_ hash: FMBitcoin.Hash256, height: UInt64, of peer: PeerID, db: any StorageWriting) throws -> Int {
        let stored = try height.storedInteger("block height")
        try db.execute(
            """
            INSERT INTO wallet_block_hash_votes (height, peer, hash) VALUES (?, ?, ?)
            ON CONFLICT (height, peer) DO UPDATE SET hash = excluded.hash
            """,
            [stored, Int(peer.rawValue), hash.bytes])
        return try count("SELECT count(*) AS n FROM wallet_block_hash_votes WHERE height = ? AND hash = ?", [stored, hash.bytes], db: db)
    }

    static func agreeBlockHash(_ hash: FMBitcoin.Hash256, height: UInt64, db: any StorageWriting) throws {
        let stored = try height.storedInteger("block height")
        try db.execute("INSERT INTO wallet_block_hashes (height, hash) VALUES (?, ?)", [stored, hash.bytes])
        try db.execute("DELETE FROM wallet_block_hash_votes WHERE height = ?", [stored])
    }

    /// Moves `next_hash_height` past every agreed height and drops the votes below it.
    static func advanceNextHashHeight(_ db: any StorageWriting) throws {
        var next = try nextHashHeight(db)
        while try blockHash(at: next, db: db) != nil { next += 1 }
        try setNextHashHeight(next, db: db)
        try db.execute("DELETE FROM wallet_block_hash_votes WHERE height < ?", [try next.storedInteger("block height")])
    }

    /// `peer`'s hash votes not yet agreed, by height.
    static func hashVotes(of peer: PeerID, db: any StorageReading) throws -> [UInt64: FMBitcoin.Hash256] {
        var votes: [UInt64: FMBitcoin.Hash256] = [:]
        for row in try db.fetchAll("SELECT height, hash FROM wallet_block_hash_votes WHERE peer = ?", [Int(peer.rawValue)]) {
            votes[try row.unsigned("height")] = try FMBitcoin.Hash256(bytes: try row.blob("hash"))
        }
        return votes
    }

    /// `nil`: no federation transaction; `.some(nil)`: unconfirmed; else the agreed height of its final block.
    static func confirmation(of txid: FMBitcoin.Hash256, db: any StorageReading) throws -> UInt64?? {
        guard let row = try db.fetchOne("SELECT confirmed_at FROM wallet_peg_outs WHERE txid = ?", [txid.bytes]) else { return nil }
        return .some(try row.optionalUnsigned("confirmed_at"))
    }

    /// Replaces `peer`'s vote for `vote.txid`; returns how many guardians now vote its height.
    static func recordConfirmationVote(_ vote: TransactionConfirmation, of peer: PeerID, db: any StorageWriting) throws -> Int {
        let height = try vote.height.storedInteger("block height")
        try db.execute(
            """
            INSERT INTO wallet_confirmation_votes (txid, peer, height) VALUES (?, ?, ?)
            ON CONFLICT (txid, peer) DO UPDATE SET height = excluded.height
            """,
            [vote.txid.bytes, Int(peer.rawValue), height])
        return try count(
            "SELECT count(*) AS n FROM wallet_confirmation_votes WHERE txid = ? AND height = ?", [vote.txid.bytes, height], db: db)
    }

    static func agreeConfirmation(_ vote: TransactionConfirmation, db: any StorageWriting) throws {
        try db.execute(
            "UPDATE wallet_peg_outs SET confirmed_at = ? WHERE txid = ? AND confirmed_at IS NULL",
            [try vote.height.storedInteger("confirmed_at"), vote.txid.bytes])
        try db.execute("DELETE FROM wallet_confirmation_votes WHERE txid = ?", [vote.txid.bytes])
    }

    /// `peer`'s confirmation votes not yet agreed, by txid.
    static func confirmationVotes(of peer: PeerID, db: any StorageReading) throws -> [FMBitcoin.Hash256: UInt64] {
        var votes: [FMBitcoin.Hash256: UInt64] = [:]
        for row in try db.fetchAll("SELECT txid, height FROM wallet_confirmation_votes WHERE peer = ?", [Int(peer.rawValue)]) {
            votes[try FMBitcoin.Hash256(bytes: try row.blob("txid"))] = try row.unsigned("height")
        }
        return votes
    }

    /// The highest final height t guardians scanned for federation transactions (``ChainFacts/recordScanVote``).
    static func scannedThrough(_ db: any StorageReading) throws -> UInt64 {
        try state("scanned_through", db: db)
    }

    static func setScannedThrough(_ height: UInt64, db: any StorageWriting) throws {
        try setState("scanned_through", to: height, db: db)
    }

    static func scanVote(of peer: PeerID, db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT height FROM wallet_scan_votes WHERE peer = ?", [Int(peer.rawValue)])?.unsigned("height")
    }

    /// Keeps the higher of the stored and the new vote: a guardian's scan vote never goes down.
    static func recordScanVote(_ height: UInt64, of peer: PeerID, db: any StorageWriting) throws {
        try db.execute(
            """
            INSERT INTO wallet_scan_votes (peer, height) VALUES (?, ?)
            ON CONFLICT (peer) DO UPDATE SET height = CASE WHEN excluded.height > wallet_scan_votes.height
                THEN excluded.height ELSE wallet_scan_votes.height END
            """,
            [Int(peer.rawValue), try height.storedInteger("scan vote")])
    }

    static func scanVotes(_ db: any StorageReading) throws -> [UInt64] {
        try db.fetchAll("SELECT height FROM wallet_scan_votes").map { try $0.unsigned("height") }
    }

    /// Every federation transaction not yet agreed confirmed, with the consensus height it was built at (`nil`:
    /// built before that was recorded).
    static func unconfirmedTransactions(_ db: any StorageReading) throws -> [(txid: FMBitcoin.Hash256, builtAt: UInt64?)] {
        try db.fetchAll("SELECT txid, built_at FROM wallet_peg_outs WHERE confirmed_at IS NULL ORDER BY seq").map { row in
            (try FMBitcoin.Hash256(bytes: try row.blob("txid")), try row.optionalUnsigned("built_at"))
        }
    }

    // MARK: UTXOs

    static func isKnown(_ outPoint: FMBitcoin.OutPoint, db: any StorageReading) throws -> Bool {
        try db.fetchOne("SELECT 1 AS known FROM wallet_utxos WHERE txid = ? AND vout = ?", [outPoint.txid.bytes, outPoint.index]) != nil
    }

    /// Records a claimed deposit or a change output; false (and nothing written) if its outpoint is already there.
    /// The primary key decides, in both backends, without a failed statement (`ON CONFLICT DO NOTHING` and the
    /// change count): this is where a deposit is claimed once, ever.
    static func insert(_ utxo: FederationUTXO, db: any StorageWriting) throws -> Bool {
        try db.execute(
            "INSERT INTO wallet_utxos (txid, vout, value, tweak_key) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                utxo.outPoint.txid.bytes, utxo.outPoint.index, try utxo.value.storedInteger("output value"),
                utxo.tweakKey.map(\.compressed),
            ]) == 1
    }

    /// The spendable outputs in outpoint order (the order SQLite's `WITHOUT ROWID` table returned them in before
    /// the query said so; PostgreSQL returns rows in no order unless told, and peg-out plans depend on it).
    static func spendable(_ db: any StorageReading) throws -> [FederationUTXO] {
        try db.fetchAll("SELECT txid, vout, value, tweak_key FROM wallet_utxos WHERE spent_by IS NULL ORDER BY txid, vout")
            .map(utxo(from:))
    }

    static func utxo(_ outPoint: FMBitcoin.OutPoint, db: any StorageReading) throws -> FederationUTXO? {
        try db.fetchOne(
            "SELECT txid, vout, value, tweak_key FROM wallet_utxos WHERE txid = ? AND vout = ?", [outPoint.txid.bytes, outPoint.index]
        ).map(utxo(from:))
    }

    static func markSpent(_ outPoint: FMBitcoin.OutPoint, by txid: FMBitcoin.Hash256, db: any StorageWriting) throws {
        let changed = try db.execute(
            "UPDATE wallet_utxos SET spent_by = ? WHERE txid = ? AND vout = ? AND spent_by IS NULL",
            [txid.bytes, outPoint.txid.bytes, outPoint.index])
        guard changed == 1 else { throw WalletStorageError.utxoNotSpendable(outPoint.description) }
    }

    static func spendableTotal(_ db: any StorageReading) throws -> UInt64 {
        try db.fetchOne("SELECT coalesce(sum(value), 0) AS total FROM wallet_utxos WHERE spent_by IS NULL")?.unsigned("total") ?? 0
    }

    private static func utxo(from row: StorageRow) throws -> FederationUTXO {
        FederationUTXO(
            outPoint: FMBitcoin.OutPoint(txid: try FMBitcoin.Hash256(bytes: try row.blob("txid")), index: try row.unsigned("vout")),
            value: try row.unsigned("value"),
            tweakKey: try row.optionalBlob("tweak_key").map { try PublicKey(serialized: $0) })
    }

    // MARK: Peg-outs and fee bumps

    struct StoredPegOut: Sendable {
        let txid: FMBitcoin.Hash256
        let unsigned: FMBitcoin.Transaction
        let signed: FMBitcoin.Transaction?
        /// A CPFP child (no e-cash outcome), not a peg-out.
        let isBump: Bool
        /// The consensus height of the final block that confirmed it.
        let confirmedAt: UInt64?
    }

    private static let pegOutColumns = "txid, unsigned_tx, signed_tx, fm_txid IS NULL AS is_bump, confirmed_at"

    /// Records a peg-out (`outPoint`: its e-cash outcome) or a fee bump (`nil`) with what the bump trigger needs, next
    /// in the order peg-outs are built (`seq`).
    static func insertPegOut(
        _ transaction: FMBitcoin.Transaction, outPoint: FMCore.OutPoint?, fee: UInt64, virtualSize: Int, builtAt: UInt64,
        db: any StorageWriting
    ) throws {
        try db.execute(
            """
            INSERT INTO wallet_peg_outs (seq, txid, fm_txid, fm_out_index, unsigned_tx, fee, vsize, built_at)
            VALUES ((SELECT coalesce(max(seq) + 1, 0) FROM wallet_peg_outs), ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                transaction.txid.bytes, outPoint.map(\.txid.hash.bytes), try outPoint.map { try $0.outIndex.storedInteger("out_index") },
                transaction.serialized(), try fee.storedInteger("fee"), virtualSize, try builtAt.storedInteger("built_at"),
            ])
    }

    static func pegOut(_ txid: FMBitcoin.Hash256, db: any StorageReading) throws -> StoredPegOut? {
        try db.fetchOne("SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE txid = ?", [txid.bytes]).map(pegOut(from:))
    }

    /// `nil` for an out index no peg-out can have (above what the database stores).
    static func pegOutTxid(at outPoint: FMCore.OutPoint, db: any StorageReading) throws -> FMBitcoin.Hash256? {
        guard let outIndex = try? outPoint.outIndex.storedInteger("out_index") else { return nil }
        return try db.fetchOne(
            "SELECT txid FROM wallet_peg_outs WHERE fm_txid = ? AND fm_out_index = ?", [outPoint.txid.hash.bytes, outIndex]
        ).map { try FMBitcoin.Hash256(bytes: try $0.blob("txid")) }
    }

    /// Every peg-out and bump, oldest first.
    static func pegOuts(_ db: any StorageReading) throws -> [StoredPegOut] {
        try db.fetchAll("SELECT \(pegOutColumns) FROM wallet_peg_outs ORDER BY seq").map(pegOut(from:))
    }

    /// Peg-outs and bumps still waiting for signatures, oldest first.
    static func unsignedPegOuts(_ db: any StorageReading) throws -> [StoredPegOut] {
        try db.fetchAll("SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE signed_tx IS NULL ORDER BY seq").map(pegOut(from:))
    }

    /// Fully signed peg-outs and bumps not seen in a final block, oldest first (what the guardian broadcasts).
    static func signedPegOuts(_ db: any StorageReading) throws -> [StoredPegOut] {
        try db.fetchAll("SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE signed_tx IS NOT NULL AND confirmed_at IS NULL ORDER BY seq")
            .map(pegOut(from:))
    }

    static func storeSigned(_ transaction: FMBitcoin.Transaction, db: any StorageWriting) throws {
        try db.execute("UPDATE wallet_peg_outs SET signed_tx = ? WHERE txid = ?", [transaction.serialized(), transaction.txid.bytes])
    }

    /// Spendable outputs created by an unconfirmed peg-out or bump (the changes a bump may spend), oldest first.
    static func unconfirmedChanges(_ db: any StorageReading) throws -> [FederationUTXO] {
        try db.fetchAll(
            """
            SELECT u.txid, u.vout, u.value, u.tweak_key FROM wallet_utxos u JOIN wallet_peg_outs p ON p.txid = u.txid
            WHERE u.spent_by IS NULL AND p.confirmed_at IS NULL ORDER BY p.seq, u.vout
            """
        ).map(utxo(from:))
    }

    /// `txid` as a member of a bump package, if it is an unconfirmed federation transaction; `.unknown` when it was
    /// built before fee, vsize and height were recorded.
    enum PackageMember {
        case confirmedOrForeign
        case unknown
        case member(PegOutFeeBump.Ancestor, FMBitcoin.Transaction)
    }

    static func packageMember(_ txid: FMBitcoin.Hash256, db: any StorageReading) throws -> PackageMember {
        guard let row = try db.fetchOne(
            "SELECT unsigned_tx, fee, vsize, built_at FROM wallet_peg_outs WHERE txid = ? AND confirmed_at IS NULL", [txid.bytes])
        else { return .confirmedOrForeign }
        guard let fee: UInt64 = try row.optionalUnsigned("fee"), let size = try row.optionalInt64("vsize"),
            let built: UInt64 = try row.optionalUnsigned("built_at"), let virtualSize = Int(exactly: size)
        else { return .unknown }
        return .member(
            PegOutFeeBump.Ancestor(fee: fee, virtualSize: virtualSize, builtAtHeight: built),
            try FMBitcoin.Transaction(serialized: try row.blob("unsigned_tx")))
    }

    private static func pegOut(from row: StorageRow) throws -> StoredPegOut {
        StoredPegOut(
            txid: try FMBitcoin.Hash256(bytes: try row.blob("txid")),
            unsigned: try FMBitcoin.Transaction(serialized: try row.blob("unsigned_tx")),
            signed: try row.optionalBlob("signed_tx").map { try FMBitcoin.Transaction(serialized: $0) },
            isBump: try row.bool("is_bump"), confirmedAt: try row.optionalUnsigned("confirmed_at"))
    }

    // MARK: Fee surplus

    /// Peg-out fees collected minus bump fees spent, msat: what a bump may spend without the audit going short.
    static func feeSurplus(_ db: any StorageReading) throws -> UInt64 {
        try state("fee_surplus_msat", db: db)
    }

    static func setFeeSurplus(_ msat: UInt64, db: any StorageWriting) throws {
        try setState("fee_surplus_msat", to: msat, db: db)
    }

    // MARK: Signature shares

    static func hasShare(_ txid: FMBitcoin.Hash256, from peer: PeerID, db: any StorageReading) throws -> Bool {
        try db.fetchOne("SELECT 1 AS present FROM wallet_peg_out_signatures WHERE txid = ? AND peer = ?", [txid.bytes, Int(peer.rawValue)]) != nil
    }

    static func insertShare(_ share: PegOutSignatureShare, from peer: PeerID, db: any StorageWriting) throws {
        let seq = try count("SELECT count(*) AS n FROM wallet_peg_out_signatures WHERE txid = ?", [share.txid.bytes], db: db)
        try db.execute(
            "INSERT INTO wallet_peg_out_signatures (txid, peer, share, seq) VALUES (?, ?, ?, ?)",
            [share.txid.bytes, Int(peer.rawValue), share.canonicalBytes, seq])
    }

    /// The shares of `txid` in the order consensus delivered them.
    static func shares(_ txid: FMBitcoin.Hash256, db: any StorageReading) throws -> [(peer: PeerID, share: PegOutSignatureShare)] {
        try db.fetchAll("SELECT peer, share FROM wallet_peg_out_signatures WHERE txid = ? ORDER BY seq", [txid.bytes]).map { row in
            (PeerID(try row.unsigned("peer")), try PegOutSignatureShare(canonicalBytes: try row.blob("share")))
        }
    }

    // MARK: Helpers

    /// A counter of `wallet_state` (every one is inserted by a migration; a missing one reads 0, as before).
    private static func state(_ name: String, db: any StorageReading) throws -> UInt64 {
        try db.fetchOne("SELECT value FROM wallet_state WHERE name = ?", [name])?.unsigned("value") ?? 0
    }

    private static func setState(_ name: String, to value: UInt64, db: any StorageWriting) throws {
        try db.execute("UPDATE wallet_state SET value = ? WHERE name = ?", [try value.storedInteger(name), name])
    }

    private static func count(_ sql: String, _ arguments: [any StorageValueConvertible], db: any StorageReading) throws -> Int {
        Int(try db.fetchOne(sql, arguments)?.int64("n") ?? 0)
    }
}

/// Wallet tables that contradict themselves: a bug or a damaged database, never a user's fault.
enum WalletStorageError: Error, CustomStringConvertible {
    case utxoNotSpendable(String)
    case changeAlreadyRecorded(String)

    var description: String {
        switch self {
        case .utxoNotSpendable(let outPoint): "wallet output \(outPoint) is not spendable although the peg-out plan selected it"
        case .changeAlreadyRecorded(let outPoint): "change output \(outPoint) of a new transaction is already recorded"
        }
    }
}
