import FMCore
import FMDatabase
import FMLightningCommon
import FMSecp256k1
import Foundation
import GRDB

/// The Lightning module's reads and writes on the `Database` of the guardian's current transaction.
enum LightningStore {
    struct StoredContract {
        let id: ContractID
        let state: ContractState
        let amount: Amount
        let preimage: [UInt8]?
        let contract: [UInt8]
    }

    static func contract(_ id: ContractID, db: Database) throws -> StoredContract? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT state, amount, preimage, contract FROM ln_contracts WHERE contract_id = ?",
            arguments: [Data(id.bytes)])
        else { return nil }
        guard let state = ContractState(rawValue: row["state"]) else {
            throw StoredIntegerError(field: "ln_contracts.state", value: row["state"])
        }
        let preimage: Data? = row["preimage"]
        let contract: Data = row["contract"]
        return StoredContract(
            id: id, state: state, amount: Amount(msats: try UInt64(storedInteger: row["amount"], "amount")),
            preimage: preimage.map { Array($0) }, contract: Array(contract))
    }

    /// The contracts (canonical bytes, state) whose user key is one of `keys`.
    static func contracts(userKeys keys: [XOnlyPublicKey], db: Database) throws -> [(contract: [UInt8], state: ContractState)] {
        try keys.flatMap { key in
            try Row.fetchAll(
                db, sql: "SELECT contract, state FROM ln_contracts WHERE user_key = ? ORDER BY contract_id",
                arguments: [Data(key.rawRepresentation)]
            ).map { row in
                let bytes: Data = row["contract"]
                guard let state = ContractState(rawValue: row["state"]) else {
                    throw StoredIntegerError(field: "ln_contracts.state", value: row["state"])
                }
                return (Array(bytes), state)
            }
        }
    }

    /// The contract funded at `outPoint` and this guardian's decryption share of it (incoming contracts).
    static func contract(at outPoint: OutPoint, db: Database) throws -> (id: ContractID, share: [UInt8]?)? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT contract_id, decryption_share FROM ln_contracts WHERE txid = ? AND out_index = ?",
            arguments: [Data(outPoint.txid.hash.bytes), outPoint.outIndex.storedInteger("out_index")])
        else { return nil }
        let id: Data = row["contract_id"]
        let share: Data? = row["decryption_share"]
        return Hash256(bytes: id).map { ($0, share.map { Array($0) }) }
    }

    /// This guardian's decryption share of incoming contract `id`, if it is funded (or was).
    static func decryptionShare(_ id: ContractID, db: Database) throws -> [UInt8]? {
        try Data.fetchOne(
            db, sql: "SELECT decryption_share FROM ln_contracts WHERE contract_id = ? AND direction = 'incoming'",
            arguments: [Data(id.bytes)]
        ).map { Array($0) }
    }

    /// Whether any contract is funded (waiting for a claim, a refund or its timelock).
    static func hasFundedContract(db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM ln_contracts WHERE state = 'funded' LIMIT 1") ?? false
    }

    /// Whether `paymentHash` has a funded or claimed outgoing contract.
    static func hasLiveOutgoing(_ paymentHash: Hash256, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT 1 FROM ln_contracts WHERE payment_hash = ? AND direction = 'outgoing'
                AND state IN ('funded', 'claimed')
                """,
            arguments: [Data(paymentHash.bytes)]) ?? false
    }

    static func isPreimageUsed(_ paymentHash: Hash256, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM ln_used_preimages WHERE payment_hash = ?", arguments: [Data(paymentHash.bytes)]) ?? false
    }

    static func insertFunded(
        id: ContractID, direction: String, paymentHash: Hash256, amount: Amount, contract: [UInt8], userKey: XOnlyPublicKey,
        decryptionShare: [UInt8]? = nil, outPoint: OutPoint, db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO ln_contracts (
                    contract_id, direction, payment_hash, amount, state, contract, user_key, decryption_share, txid, out_index)
                VALUES (?, ?, ?, ?, 'funded', ?, ?, ?, ?, ?)
                """,
            arguments: [
                Data(id.bytes), direction, Data(paymentHash.bytes), amount.msats.storedInteger("amount"), Data(contract),
                Data(userKey.rawRepresentation), decryptionShare.map { Data($0) }, Data(outPoint.txid.hash.bytes),
                outPoint.outIndex.storedInteger("out_index"),
            ])
        try add(amount, db: db)
    }

    /// Moves a funded contract to `state`; returns false (writing nothing) unless it was funded.
    static func spend(_ id: ContractID, to state: ContractState, preimage: [UInt8]?, db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE ln_contracts SET state = ?, preimage = ? WHERE contract_id = ? AND state = 'funded'",
            arguments: [state.rawValue, preimage.map { Data($0) }, Data(id.bytes)])
        return db.changesCount == 1
    }

    /// Records that `paymentHash`'s preimage was used; false if it already was.
    static func markPreimageUsed(_ paymentHash: Hash256, by id: ContractID, db: Database) throws -> Bool {
        do {
            try db.execute(
                sql: "INSERT INTO ln_used_preimages (payment_hash, contract_id) VALUES (?, ?)",
                arguments: [Data(paymentHash.bytes), Data(id.bytes)])
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            return false
        }
    }

    // MARK: Totals

    static func total(db: Database) throws -> Amount {
        let stored = try Int64.fetchOne(db, sql: "SELECT msats FROM ln_totals WHERE name = 'contracts'") ?? 0
        return Amount(msats: try UInt64(storedInteger: stored, "ln_totals.contracts"))
    }

    static func add(_ amount: Amount, db: Database) throws {
        try setTotal(try total(db: db).adding(amount), db: db)
    }

    static func subtract(_ amount: Amount, db: Database) throws {
        try setTotal(try total(db: db).subtracting(amount), db: db)
    }

    private static func setTotal(_ amount: Amount, db: Database) throws {
        try db.execute(
            sql: "UPDATE ln_totals SET msats = ? WHERE name = 'contracts'", arguments: [amount.msats.storedInteger("msats")])
    }

    // MARK: Consensus time

    /// Records `peer`'s vote; false if it is not later than the peer's previous vote (votes only move forward).
    static func recordVote(_ seconds: UInt64, from peer: PeerID, db: Database) throws -> Bool {
        let previous = try Int64.fetchOne(db, sql: "SELECT seconds FROM ln_time_votes WHERE peer = ?", arguments: [Int(peer.rawValue)])
        if let previous, try UInt64(storedInteger: previous, "seconds") >= seconds { return false }
        try db.execute(
            sql: "INSERT OR REPLACE INTO ln_time_votes (peer, seconds) VALUES (?, ?)",
            arguments: [Int(peer.rawValue), seconds.storedInteger("seconds")])
        return true
    }

    static func vote(of peer: PeerID, db: Database) throws -> UInt64? {
        try Int64.fetchOne(db, sql: "SELECT seconds FROM ln_time_votes WHERE peer = ?", arguments: [Int(peer.rawValue)])
            .map { try UInt64(storedInteger: $0, "seconds") }
    }

    /// The median of the latest votes, guardians without a vote counting as 0: the value at index ⌊n/2⌋ of the n
    /// votes in ascending order. With at most f < n/3 faulty guardians it lies between two honest votes (a faulty
    /// guardian can neither push it past every honest clock nor hold it back), and it never decreases.
    static func consensusTime(peerCount: Int, db: Database) throws -> UInt64 {
        var votes = try Int64.fetchAll(db, sql: "SELECT seconds FROM ln_time_votes ORDER BY peer")
            .map { try UInt64(storedInteger: $0, "seconds") }
        votes = Array(votes.prefix(peerCount))
        votes += Array(repeating: 0, count: peerCount - votes.count)
        votes.sort()
        return votes[peerCount / 2]
    }
}
