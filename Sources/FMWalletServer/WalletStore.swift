import FMBitcoin
import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import FMWalletCommon
import Foundation
import GRDB

/// Reads and writes of the wallet's tables (``WalletSchema``), inside the caller's transaction.
enum WalletStore {
    // MARK: Votes and the consensus height

    static func consensusHeight(_ db: Database) throws -> UInt64 {
        try UInt64(storedInteger: Int64.fetchOne(db, sql: "SELECT value FROM wallet_state WHERE name = 'consensus_height'") ?? 0, "consensus_height")
    }

    static func setConsensusHeight(_ height: UInt64, db: Database) throws {
        try db.execute(sql: "UPDATE wallet_state SET value = ? WHERE name = 'consensus_height'", arguments: [height.storedInteger("consensus_height")])
    }

    static func heightVote(of peer: PeerID, db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT height FROM wallet_block_height_votes WHERE peer = ?", arguments: [Int64(peer.rawValue)])
            .map { stored throws in try UInt64(storedInteger: stored, "height vote") }
    }

    /// Keeps the higher of the stored and the new vote: a guardian's vote never goes down.
    static func recordHeightVote(_ height: UInt64, of peer: PeerID, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO wallet_block_height_votes (peer, height) VALUES (?, ?)
                ON CONFLICT (peer) DO UPDATE SET height = max(height, excluded.height)
                """,
            arguments: [Int64(peer.rawValue), height.storedInteger("height vote")])
    }

    static func heightVotes(_ db: Database) throws -> [UInt64] {
        try Int64.fetchAll(db, sql: "SELECT height FROM wallet_block_height_votes").map { stored throws in
            try UInt64(storedInteger: stored, "height vote")
        }
    }

    static func feeRateVote(of peer: PeerID, db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT rate FROM wallet_fee_rate_votes WHERE peer = ?", arguments: [Int64(peer.rawValue)])
            .map { stored throws in try UInt64(storedInteger: stored, "fee rate vote") }
    }

    /// `rate` is bounded when the vote is decoded (``PegOut/maximumFeeRate``).
    static func recordFeeRateVote(_ rate: UInt64, of peer: PeerID, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO wallet_fee_rate_votes (peer, rate) VALUES (?, ?) ON CONFLICT (peer) DO UPDATE SET rate = excluded.rate",
            arguments: [Int64(peer.rawValue), rate.storedInteger("fee rate vote")])
    }

    static func feeRateVotes(_ db: Database) throws -> [UInt64] {
        try Int64.fetchAll(db, sql: "SELECT rate FROM wallet_fee_rate_votes").map { stored throws in
            try UInt64(storedInteger: stored, "fee rate vote")
        }
    }

    // MARK: Chain facts (``ChainFacts``)

    static func nextHashHeight(_ db: Database) throws -> UInt64 {
        try UInt64(storedInteger: Int64.fetchOne(db, sql: "SELECT value FROM wallet_state WHERE name = 'next_hash_height'") ?? 0, "next_hash_height")
    }

    static func setNextHashHeight(_ height: UInt64, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_state SET value = ? WHERE name = 'next_hash_height'", arguments: [height.storedInteger("next_hash_height")])
    }

    /// The agreed hash of the final block at `height`.
    static func blockHash(at height: UInt64, db: Database) throws -> FMBitcoin.Hash256? {
        try Data.fetchOne(db, sql: "SELECT hash FROM wallet_block_hashes WHERE height = ?", arguments: [height.storedInteger("block height")])
            .map { try FMBitcoin.Hash256(bytes: [UInt8]($0)) }
    }

    /// The height of `hash` if it is a block the federation counts as final.
    static func height(of hash: FMBitcoin.Hash256, db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT height FROM wallet_block_hashes WHERE hash = ?", arguments: [Data(hash.bytes)])
            .map { stored throws in try UInt64(storedInteger: stored, "block height") }
    }

    /// The lowest height with an agreed hash.
    static func lowestAgreedHeight(_ db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT min(height) FROM wallet_block_hashes")
            .map { stored throws in try UInt64(storedInteger: stored, "block height") }
    }

    /// Replaces `peer`'s vote for `height`; returns how many guardians now vote `hash` there.
    static func recordHashVote(_ hash: FMBitcoin.Hash256, height: UInt64, of peer: PeerID, db: Database) throws -> Int {
        let stored = try height.storedInteger("block height")
        try db.execute(
            sql: "INSERT OR REPLACE INTO wallet_block_hash_votes (height, peer, hash) VALUES (?, ?, ?)",
            arguments: [stored, Int64(peer.rawValue), Data(hash.bytes)])
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM wallet_block_hash_votes WHERE height = ? AND hash = ?", arguments: [stored, Data(hash.bytes)]) ?? 0
    }

    static func agreeBlockHash(_ hash: FMBitcoin.Hash256, height: UInt64, db: Database) throws {
        let stored = try height.storedInteger("block height")
        try db.execute(sql: "INSERT INTO wallet_block_hashes (height, hash) VALUES (?, ?)", arguments: [stored, Data(hash.bytes)])
        try db.execute(sql: "DELETE FROM wallet_block_hash_votes WHERE height = ?", arguments: [stored])
    }

    /// Moves `next_hash_height` past every agreed height and drops the votes below it.
    static func advanceNextHashHeight(_ db: Database) throws {
        var next = try nextHashHeight(db)
        while try blockHash(at: next, db: db) != nil { next += 1 }
        try setNextHashHeight(next, db: db)
        try db.execute(sql: "DELETE FROM wallet_block_hash_votes WHERE height < ?", arguments: [next.storedInteger("block height")])
    }

    /// `peer`'s hash votes not yet agreed, by height.
    static func hashVotes(of peer: PeerID, db: Database) throws -> [UInt64: FMBitcoin.Hash256] {
        var votes: [UInt64: FMBitcoin.Hash256] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT height, hash FROM wallet_block_hash_votes WHERE peer = ?", arguments: [Int64(peer.rawValue)]) {
            votes[try UInt64(storedInteger: row["height"], "block height")] = try FMBitcoin.Hash256(bytes: [UInt8](row["hash"] as Data))
        }
        return votes
    }

    /// `nil`: no federation transaction; `.some(nil)`: unconfirmed; else the agreed height of its final block.
    static func confirmation(of txid: FMBitcoin.Hash256, db: Database) throws -> UInt64?? {
        guard let row = try Row.fetchOne(db, sql: "SELECT confirmed_at FROM wallet_peg_outs WHERE txid = ?", arguments: [Data(txid.bytes)])
        else { return nil }
        let confirmed: Int64? = row["confirmed_at"]
        return .some(try confirmed.map { try UInt64(storedInteger: $0, "confirmed_at") })
    }

    /// Replaces `peer`'s vote for `vote.txid`; returns how many guardians now vote its height.
    static func recordConfirmationVote(_ vote: TransactionConfirmation, of peer: PeerID, db: Database) throws -> Int {
        let height = try vote.height.storedInteger("block height")
        try db.execute(
            sql: "INSERT OR REPLACE INTO wallet_confirmation_votes (txid, peer, height) VALUES (?, ?, ?)",
            arguments: [Data(vote.txid.bytes), Int64(peer.rawValue), height])
        return try Int.fetchOne(
            db, sql: "SELECT count(*) FROM wallet_confirmation_votes WHERE txid = ? AND height = ?",
            arguments: [Data(vote.txid.bytes), height]) ?? 0
    }

    static func agreeConfirmation(_ vote: TransactionConfirmation, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_peg_outs SET confirmed_at = ? WHERE txid = ? AND confirmed_at IS NULL",
            arguments: [vote.height.storedInteger("confirmed_at"), Data(vote.txid.bytes)])
        try db.execute(sql: "DELETE FROM wallet_confirmation_votes WHERE txid = ?", arguments: [Data(vote.txid.bytes)])
    }

    /// `peer`'s confirmation votes not yet agreed, by txid.
    static func confirmationVotes(of peer: PeerID, db: Database) throws -> [FMBitcoin.Hash256: UInt64] {
        var votes: [FMBitcoin.Hash256: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT txid, height FROM wallet_confirmation_votes WHERE peer = ?", arguments: [Int64(peer.rawValue)]) {
            votes[try FMBitcoin.Hash256(bytes: [UInt8](row["txid"] as Data))] = try UInt64(storedInteger: row["height"], "block height")
        }
        return votes
    }

    /// The highest final height t guardians scanned for federation transactions (``ChainFacts/recordScanVote``).
    static func scannedThrough(_ db: Database) throws -> UInt64 {
        try UInt64(storedInteger: Int64.fetchOne(db, sql: "SELECT value FROM wallet_state WHERE name = 'scanned_through'") ?? 0, "scanned_through")
    }

    static func setScannedThrough(_ height: UInt64, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_state SET value = ? WHERE name = 'scanned_through'", arguments: [height.storedInteger("scanned_through")])
    }

    static func scanVote(of peer: PeerID, db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT height FROM wallet_scan_votes WHERE peer = ?", arguments: [Int64(peer.rawValue)])
            .map { stored throws in try UInt64(storedInteger: stored, "scan vote") }
    }

    /// Keeps the higher of the stored and the new vote: a guardian's scan vote never goes down.
    static func recordScanVote(_ height: UInt64, of peer: PeerID, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO wallet_scan_votes (peer, height) VALUES (?, ?)
                ON CONFLICT (peer) DO UPDATE SET height = max(height, excluded.height)
                """,
            arguments: [Int64(peer.rawValue), height.storedInteger("scan vote")])
    }

    static func scanVotes(_ db: Database) throws -> [UInt64] {
        try Int64.fetchAll(db, sql: "SELECT height FROM wallet_scan_votes").map { stored throws in
            try UInt64(storedInteger: stored, "scan vote")
        }
    }

    /// Every federation transaction not yet agreed confirmed, with the consensus height it was built at (`nil`:
    /// built before that was recorded).
    static func unconfirmedTransactions(_ db: Database) throws -> [(txid: FMBitcoin.Hash256, builtAt: UInt64?)] {
        try Row.fetchAll(db, sql: "SELECT txid, built_at FROM wallet_peg_outs WHERE confirmed_at IS NULL").map { row in
            let built: Int64? = row["built_at"]
            return (try FMBitcoin.Hash256(bytes: [UInt8](row["txid"] as Data)), try built.map { try UInt64(storedInteger: $0, "built_at") })
        }
    }

    // MARK: UTXOs

    static func isKnown(_ outPoint: FMBitcoin.OutPoint, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM wallet_utxos WHERE txid = ? AND vout = ?",
            arguments: [Data(outPoint.txid.bytes), Int64(outPoint.index)]) ?? false
    }

    static func insert(_ utxo: FederationUTXO, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO wallet_utxos (txid, vout, value, tweak_key) VALUES (?, ?, ?, ?)",
            arguments: [
                Data(utxo.outPoint.txid.bytes), Int64(utxo.outPoint.index), utxo.value.storedInteger("output value"),
                utxo.tweakKey.map { Data($0.compressed) },
            ])
    }

    static func spendable(_ db: Database) throws -> [FederationUTXO] {
        try Row.fetchAll(db, sql: "SELECT txid, vout, value, tweak_key FROM wallet_utxos WHERE spent_by IS NULL").map(utxo(from:))
    }

    static func utxo(_ outPoint: FMBitcoin.OutPoint, db: Database) throws -> FederationUTXO? {
        try Row.fetchOne(
            db, sql: "SELECT txid, vout, value, tweak_key FROM wallet_utxos WHERE txid = ? AND vout = ?",
            arguments: [Data(outPoint.txid.bytes), Int64(outPoint.index)]
        ).map(utxo(from:))
    }

    static func markSpent(_ outPoint: FMBitcoin.OutPoint, by txid: FMBitcoin.Hash256, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_utxos SET spent_by = ? WHERE txid = ? AND vout = ? AND spent_by IS NULL",
            arguments: [Data(txid.bytes), Data(outPoint.txid.bytes), Int64(outPoint.index)])
        guard db.changesCount == 1 else { throw WalletStorageError.utxoNotSpendable(outPoint.description) }
    }

    static func spendableTotal(_ db: Database) throws -> UInt64 {
        try UInt64(
            storedInteger: Int64.fetchOne(db, sql: "SELECT coalesce(sum(value), 0) FROM wallet_utxos WHERE spent_by IS NULL") ?? 0,
            "spendable total")
    }

    private static func utxo(from row: Row) throws -> FederationUTXO {
        let txid = try FMBitcoin.Hash256(bytes: [UInt8](row["txid"] as Data))
        let tweak: Data? = row["tweak_key"]
        return FederationUTXO(
            outPoint: FMBitcoin.OutPoint(txid: txid, index: try UInt32(storedInteger: row["vout"], "vout")),
            value: try UInt64(storedInteger: row["value"], "output value"),
            tweakKey: try tweak.map { try PublicKey(serialized: [UInt8]($0)) })
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

    /// Records a peg-out (`outPoint`: its e-cash outcome) or a fee bump (`nil`) with what the bump trigger needs.
    static func insertPegOut(
        _ transaction: FMBitcoin.Transaction, outPoint: FMCore.OutPoint?, fee: UInt64, virtualSize: Int, builtAt: UInt64,
        db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO wallet_peg_outs (txid, fm_txid, fm_out_index, unsigned_tx, fee, vsize, built_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Data(transaction.txid.bytes), outPoint.map { Data($0.txid.hash.bytes) },
                try outPoint.map { try $0.outIndex.storedInteger("out_index") }, Data(transaction.serialized()),
                fee.storedInteger("fee"), Int64(virtualSize), builtAt.storedInteger("built_at"),
            ])
    }

    static func pegOut(_ txid: FMBitcoin.Hash256, db: Database) throws -> StoredPegOut? {
        try Row.fetchOne(db, sql: "SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE txid = ?", arguments: [Data(txid.bytes)])
            .map(pegOut(from:))
    }

    /// `nil` for an out index no peg-out can have (above what SQLite stores).
    static func pegOutTxid(at outPoint: FMCore.OutPoint, db: Database) throws -> FMBitcoin.Hash256? {
        guard let outIndex = try? outPoint.outIndex.storedInteger("out_index") else { return nil }
        return try Data.fetchOne(
            db, sql: "SELECT txid FROM wallet_peg_outs WHERE fm_txid = ? AND fm_out_index = ?",
            arguments: [Data(outPoint.txid.hash.bytes), outIndex]
        ).map { try FMBitcoin.Hash256(bytes: [UInt8]($0)) }
    }

    /// Every peg-out and bump, oldest first.
    static func pegOuts(_ db: Database) throws -> [StoredPegOut] {
        try Row.fetchAll(db, sql: "SELECT \(pegOutColumns) FROM wallet_peg_outs ORDER BY rowid").map(pegOut(from:))
    }

    /// Peg-outs and bumps still waiting for signatures, oldest first.
    static func unsignedPegOuts(_ db: Database) throws -> [StoredPegOut] {
        try Row.fetchAll(db, sql: "SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE signed_tx IS NULL ORDER BY rowid")
            .map(pegOut(from:))
    }

    /// Fully signed peg-outs and bumps not seen in a final block, oldest first (what the guardian broadcasts).
    static func signedPegOuts(_ db: Database) throws -> [StoredPegOut] {
        try Row.fetchAll(
            db, sql: "SELECT \(pegOutColumns) FROM wallet_peg_outs WHERE signed_tx IS NOT NULL AND confirmed_at IS NULL ORDER BY rowid"
        ).map(pegOut(from:))
    }

    static func storeSigned(_ transaction: FMBitcoin.Transaction, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_peg_outs SET signed_tx = ? WHERE txid = ?",
            arguments: [Data(transaction.serialized()), Data(transaction.txid.bytes)])
    }

    /// Spendable outputs created by an unconfirmed peg-out or bump (the changes a bump may spend), oldest first.
    static func unconfirmedChanges(_ db: Database) throws -> [FederationUTXO] {
        try Row.fetchAll(
            db, sql: """
                SELECT u.txid, u.vout, u.value, u.tweak_key FROM wallet_utxos u JOIN wallet_peg_outs p ON p.txid = u.txid
                WHERE u.spent_by IS NULL AND p.confirmed_at IS NULL ORDER BY p.rowid, u.vout
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

    static func packageMember(_ txid: FMBitcoin.Hash256, db: Database) throws -> PackageMember {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT unsigned_tx, fee, vsize, built_at FROM wallet_peg_outs WHERE txid = ? AND confirmed_at IS NULL",
            arguments: [Data(txid.bytes)])
        else { return .confirmedOrForeign }
        let fee: Int64? = row["fee"]
        let size: Int64? = row["vsize"]
        let built: Int64? = row["built_at"]
        guard let fee, let size, let built, let virtualSize = Int(exactly: size) else { return .unknown }
        return .member(
            PegOutFeeBump.Ancestor(
                fee: try UInt64(storedInteger: fee, "fee"), virtualSize: virtualSize,
                builtAtHeight: try UInt64(storedInteger: built, "built_at")),
            try FMBitcoin.Transaction(serialized: [UInt8](row["unsigned_tx"] as Data)))
    }

    private static func pegOut(from row: Row) throws -> StoredPegOut {
        let signed: Data? = row["signed_tx"]
        let confirmed: Int64? = row["confirmed_at"]
        return StoredPegOut(
            txid: try FMBitcoin.Hash256(bytes: [UInt8](row["txid"] as Data)),
            unsigned: try FMBitcoin.Transaction(serialized: [UInt8](row["unsigned_tx"] as Data)),
            signed: try signed.map { try FMBitcoin.Transaction(serialized: [UInt8]($0)) },
            isBump: row["is_bump"], confirmedAt: try confirmed.map { try UInt64(storedInteger: $0, "confirmed_at") })
    }

    // MARK: Fee surplus

    /// Peg-out fees collected minus bump fees spent, msat: what a bump may spend without the audit going short.
    static func feeSurplus(_ db: Database) throws -> UInt64 {
        try UInt64(
            storedInteger: Int64.fetchOne(db, sql: "SELECT value FROM wallet_state WHERE name = 'fee_surplus_msat'") ?? 0,
            "fee_surplus_msat")
    }

    static func setFeeSurplus(_ msat: UInt64, db: Database) throws {
        try db.execute(
            sql: "UPDATE wallet_state SET value = ? WHERE name = 'fee_surplus_msat'",
            arguments: [msat.storedInteger("fee_surplus_msat")])
    }

    // MARK: Signature shares

    static func hasShare(_ txid: FMBitcoin.Hash256, from peer: PeerID, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM wallet_peg_out_signatures WHERE txid = ? AND peer = ?",
            arguments: [Data(txid.bytes), Int64(peer.rawValue)]) ?? false
    }

    static func insertShare(_ share: PegOutSignatureShare, from peer: PeerID, db: Database) throws {
        let seq = try Int64.fetchOne(
            db, sql: "SELECT count(*) FROM wallet_peg_out_signatures WHERE txid = ?", arguments: [Data(share.txid.bytes)]) ?? 0
        try db.execute(
            sql: "INSERT INTO wallet_peg_out_signatures (txid, peer, share, seq) VALUES (?, ?, ?, ?)",
            arguments: [Data(share.txid.bytes), Int64(peer.rawValue), Data(share.canonicalBytes), seq])
    }

    /// The shares of `txid` in the order consensus delivered them.
    static func shares(_ txid: FMBitcoin.Hash256, db: Database) throws -> [(peer: PeerID, share: PegOutSignatureShare)] {
        try Row.fetchAll(
            db, sql: "SELECT peer, share FROM wallet_peg_out_signatures WHERE txid = ? ORDER BY seq", arguments: [Data(txid.bytes)]
        ).map { row in
            (PeerID(try UInt16(storedInteger: row["peer"], "peer")), try PegOutSignatureShare(canonicalBytes: [UInt8](row["share"] as Data)))
        }
    }
}

/// Wallet tables that contradict themselves: a bug or a damaged database, never a user's fault.
enum WalletStorageError: Error, CustomStringConvertible {
    case utxoNotSpendable(String)

    var description: String {
        switch self {
        case .utxoNotSpendable(let outPoint): "wallet output \(outPoint) is not spendable although the peg-out plan selected it"
        }
    }
}
