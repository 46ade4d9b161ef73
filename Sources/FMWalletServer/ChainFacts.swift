import FMBitcoin
import FMCore
import FMServerCore
import FMStorage
import FMWalletCommon

/// The wallet's chain facts, agreed by consensus (issue 24 item 9 (c), issue 16 item 2; docs/wallet.md,
/// "Chain facts"): the hash of each final block, the final height that confirmed each federation transaction, and
/// how far t guardians scanned the final blocks for them.
///
/// Each guardian votes what its own node shows (``WalletConsensusItem/blockHashes(first:hashes:voter:)``,
/// ``WalletConsensusItem/confirmations(_:voter:)``); a fact enters consensus state when `threshold` distinct
/// guardians' current votes name the same value, and its key is closed from then on. A guardian holds one vote per
/// key (a new vote replaces its old one), so at every moment at most one value can have `threshold` votes and the
/// first to reach it is the fact: two values never both become facts. Everything here reads and writes consensus
/// state only, so every guardian reaches the same verdicts whatever its own node says.
enum ChainFacts {
    /// Hash votes are taken for at most this many heights from the lowest final height whose hash is not agreed.
    static let window = UInt64(WalletConsensusItem.maximumChainVotes)

    /// The heights whose hash votes are taken now: from `next_hash_height`, at most ``window`` of them, none above
    /// the consensus height (none before the federation's first consensus height).
    static func hashWindow(_ db: any StorageReading) throws -> ClosedRange<UInt64>? {
        let consensus = try WalletStore.consensusHeight(db)
        let next = try WalletStore.nextHashHeight(db)
        guard consensus > 0, next <= consensus else { return nil }
        return next...min(consensus, next + window - 1)
    }

    /// Called when the consensus height first rises from 0: hashes are agreed from at most `depth` heights below it
    /// (older deposits cannot be claimed).
    static func startSync(consensusHeight: UInt64, depth: UInt64, db: any StorageWriting) throws {
        let start = consensusHeight > depth ? consensusHeight - depth : 0
        if try WalletStore.nextHashHeight(db) < start { try WalletStore.setNextHashHeight(start, db: db) }
    }

    /// Records `peer`'s hash votes for heights `first`, `first` + 1, …, agreeing every height that reaches
    /// `threshold`. The item is refused whole (nothing recorded) if one vote contradicts an agreed hash, names a
    /// hash agreed at another height, or lies outside ``hashWindow(_:)``; a vote equal to an agreed hash is ignored.
    static func recordHashVotes(
        first: UInt64, hashes: [FMBitcoin.Hash256], from peer: PeerID, threshold: Int, db: any StorageWriting
    ) throws {
        let window = try hashWindow(db)
        var open: [(UInt64, FMBitcoin.Hash256)] = []
        for (offset, hash) in hashes.enumerated() {
            let height = first + UInt64(offset)  // first + count ≤ Int64.max: checked when decoded
            if let agreed = try WalletStore.blockHash(at: height, db: db) {
                guard agreed == hash else { throw refusal(peer, "height \(height) has the agreed hash \(agreed.displayHex)") }
                continue
            }
            guard let window, window.contains(height) else {
                throw refusal(peer, "height \(height) is outside the heights votes are taken for (\(window.map { "\($0)" } ?? "none"))")
            }
            if let other = try WalletStore.height(of: hash, db: db) {
                throw refusal(peer, "\(hash.displayHex) is the agreed hash of height \(other)")
            }
            open.append((height, hash))
        }
        for (height, hash) in open {
            let votes = try WalletStore.recordHashVote(hash, height: height, of: peer, db: db)
            // A hash agreed at another height meanwhile (two heights voted alike in one item) is never agreed twice.
            if votes >= threshold, try WalletStore.height(of: hash, db: db) == nil {
                try WalletStore.agreeBlockHash(hash, height: height, db: db)
            }
        }
        try WalletStore.advanceNextHashHeight(db)
    }

    /// Records `peer`'s confirmation votes, agreeing every transaction whose vote reaches `threshold`. The item is
    /// refused whole if a vote names no federation transaction, contradicts an agreed confirmation, or names a
    /// height whose hash is not agreed; a vote equal to an agreed confirmation is ignored.
    static func recordConfirmationVotes(
        _ votes: [TransactionConfirmation], from peer: PeerID, threshold: Int, db: any StorageWriting
    ) throws {
        var open: [TransactionConfirmation] = []
        for vote in votes {
            switch try WalletStore.confirmation(of: vote.txid, db: db) {
            case nil: throw refusal(peer, "\(vote.txid) is not a federation transaction")
            case .some(.some(let agreed)):
                guard agreed == vote.height else {
                    throw refusal(peer, "\(vote.txid) was agreed confirmed at height \(agreed)")
                }
            case .some(nil):
                guard try WalletStore.blockHash(at: vote.height, db: db) != nil else {
                    throw refusal(peer, "the hash of height \(vote.height) is not agreed")
                }
                open.append(vote)
            }
        }
        for vote in open where try WalletStore.recordConfirmationVote(vote, of: peer, db: db) >= threshold {
            try WalletStore.agreeConfirmation(vote, db: db)
        }
    }

    /// Records `peer`'s scan vote (``WalletConsensusItem/scannedThrough(_:voter:)``) and raises the agreed
    /// `scanned_through` to the highest height at least `threshold` guardians voted; true when it rose. A vote above
    /// the agreed final heights is refused (an honest guardian scans only agreed blocks). With t = n − f, t votes
    /// include f + 1 honest guardians who each found every federation transaction in those blocks agreed
    /// confirmed, so f liars cannot make a mined peg-out look stuck, and the honest guardians alone reach t.
    static func recordScanVote(_ height: UInt64, from peer: PeerID, threshold: Int, db: any StorageWriting) throws -> Bool {
        let agreed = try WalletServerModule.agreedHeight(db)
        guard height <= agreed else {
            throw refusal(peer, "scanned height \(height) is above the agreed final height \(agreed)")
        }
        try WalletStore.recordScanVote(height, of: peer, db: db)
        let votes = try WalletStore.scanVotes(db).sorted(by: >)
        guard threshold >= 1, votes.count >= threshold else { return false }
        let scanned = votes[threshold - 1]
        guard scanned > (try WalletStore.scannedThrough(db)) else { return false }
        try WalletStore.setScannedThrough(scanned, db: db)
        return true
    }

    private static func refusal(_ peer: PeerID, _ reason: String) -> TransactionRejection {
        WalletError.chainVoteRefused(peer: peer, reason: reason).rejection
    }
}
