import FMCore
import FMLightningCommon
import FMSecp256k1
import FMStorage

/// The Lightning module's reads and writes (the portable subset of FMStorage) on the transaction the guardian hands
/// the module.
enum LightningStore {
    struct StoredContract {
        let id: ContractID
        let state: ContractState
        let amount: Amount
        let preimage: [UInt8]?
        let contract: [UInt8]
    }

    static func contract(_ id: ContractID, db: any StorageReading) throws -> StoredContract? {
        guard let row = try db.fetchOne(
            "SELECT state, amount, preimage, contract FROM ln_contracts WHERE contract_id = ?", [id.bytes])
        else { return nil }
        return StoredContract(
            id: id, state: try state(row), amount: Amount(msats: try row.unsigned("amount")),
            preimage: try row.optionalBlob("preimage"), contract: try row.blob("contract"))
    }

    private static func state(_ row: StorageRow) throws -> ContractState {
        let text = try row.text("state")
        guard let state = ContractState(rawValue: text) else { throw StoredIntegerError(field: "ln_contracts.state", value: text) }
        return state
    }

    /// The contracts (canonical bytes, state) whose user key is one of `keys`.
    static func contracts(userKeys keys: [XOnlyPublicKey], db: any StorageReading) throws -> [(contract: [UInt8], state: ContractState)] {
        try keys.flatMap { key in
            try db.fetchAll(
                "SELECT contract, state FROM ln_contracts WHERE user_key = ? ORDER BY contract_id", [key.rawRepresentation]
            ).map { row in (try row.blob("contract"), try state(row)) }
        }
    }

    /// The contract funded at `outPoint` and this guardian's decryption share of it (incoming contracts).
    static func contract(at outPoint: OutPoint, db: any StorageReading) throws -> (id: ContractID, share: [UInt8]?)? {
        guard let row = try db.fetchOne(
            "SELECT contract_id, decryption_share FROM ln_contracts WHERE txid = ? AND out_index = ?",
            [outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index")])
        else { return nil }
        let share = try row.optionalBlob("decryption_share")
        return Hash256(bytes: try row.blob("contract_id")).map { ($0, share) }
    }

    /// This guardian's decryption share of incoming contract `id`, if it is funded (or was).
    static func decryptionShare(_ id: ContractID, db: any StorageReading) throws -> [UInt8]? {
        try db.fetchOne(
            "SELECT decryption_share FROM ln_contracts WHERE contract_id = ? AND direction = 'incoming'", [id.bytes]
        )?.optionalBlob("decryption_share")
    }

    /// Whether any contract is funded (waiting for a claim, a refund or its timelock).
    static func hasFundedContract(db: any StorageReading) throws -> Bool {
        try db.fetchOne("SELECT 1 AS funded FROM ln_contracts WHERE state = 'funded' LIMIT 1") != nil
    }

    /// Whether `paymentHash` has a funded or claimed outgoing contract.
    static func hasLiveOutgoing(_ paymentHash: Hash256, db: any StorageReading) throws -> Bool {
        try db.fetchOne(
            """
            SELECT 1 AS live FROM ln_contracts WHERE payment_hash = ? AND direction = 'outgoing'
            AND state IN ('funded', 'claimed')
            """,
            [paymentHash.bytes]) != nil
    }

    static func isPreimageUsed(_ paymentHash: Hash256, db: any StorageReading) throws -> Bool {
        try db.fetchOne("SELECT 1 AS used FROM ln_used_preimages WHERE payment_hash = ?", [paymentHash.bytes]) != nil
    }

    static func insertFunded(
        id: ContractID, direction: String, paymentHash: Hash256, amount: Amount, contract: [UInt8], userKey: XOnlyPublicKey,
        decryptionShare: [UInt8]? = nil, outPoint: OutPoint, db: any StorageWriting
    ) throws {
        try db.execute(
            """
            INSERT INTO ln_contracts (
                contract_id, direction, payment_hash, amount, state, contract, user_key, decryption_share, txid, out_index)
            VALUES (?, ?, ?, ?, 'funded', ?, ?, ?, ?, ?)
            """,
            [
                id.bytes, direction, paymentHash.bytes, try amount.msats.storedInteger("amount"), contract,
                userKey.rawRepresentation, decryptionShare, outPoint.txid.hash.bytes, try outPoint.outIndex.storedInteger("out_index"),
            ])
        try add(amount, db: db)
    }

    /// Moves a funded contract to `state`; returns false (writing nothing) unless it was funded.
    static func spend(_ id: ContractID, to state: ContractState, preimage: [UInt8]?, db: any StorageWriting) throws -> Bool {
        try db.execute(
            "UPDATE ln_contracts SET state = ?, preimage = ? WHERE contract_id = ? AND state = 'funded'",
            [state.rawValue, preimage, id.bytes]) == 1
    }

    /// Records that `paymentHash`'s preimage was used; false if it already was (the primary key decides, as the mint's
    /// spent set: `ON CONFLICT DO NOTHING` and the change count).
    static func markPreimageUsed(_ paymentHash: Hash256, by id: ContractID, db: any StorageWriting) throws -> Bool {
        try db.execute(
            "INSERT INTO ln_used_preimages (payment_hash, contract_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [paymentHash.bytes, id.bytes]) == 1
    }

    // MARK: Totals

    static func total(db: any StorageReading) throws -> Amount {
        let stored: UInt64 = try db.fetchOne("SELECT msats FROM ln_totals WHERE name = 'contracts'")?.unsigned("msats") ?? 0
        return Amount(msats: stored)
    }

    static func add(_ amount: Amount, db: any StorageWriting) throws {
        try setTotal(try total(db: db).adding(amount), db: db)
    }

    static func subtract(_ amount: Amount, db: any StorageWriting) throws {
        try setTotal(try total(db: db).subtracting(amount), db: db)
    }

    private static func setTotal(_ amount: Amount, db: any StorageWriting) throws {
        try db.execute("UPDATE ln_totals SET msats = ? WHERE name = 'contracts'", [try amount.msats.storedInteger("msats")])
    }

    // MARK: Consensus time

    /// Records `peer`'s vote; false if it is not later than the peer's previous vote (votes only move forward).
    static func recordVote(_ seconds: UInt64, from peer: PeerID, db: any StorageWriting) throws -> Bool {
        if let previous = try vote(of: peer, db: db), previous >= seconds { return false }
        try db.execute(
            """
            INSERT INTO ln_time_votes (peer, seconds) VALUES (?, ?)
            ON CONFLICT (peer) DO UPDATE SET seconds = excluded.seconds
            """,
            [Int(peer.rawValue), try seconds.storedInteger("seconds")])
        return true
    }

    static func vote(of peer: PeerID, db: any StorageReading) throws -> UInt64? {
        try db.fetchOne("SELECT seconds FROM ln_time_votes WHERE peer = ?", [Int(peer.rawValue)])?.unsigned("seconds")
    }

    /// The median of the latest votes, guardians without a vote counting as 0: the value at index ⌊n/2⌋ of the n
    /// votes in ascending order. With at most f < n/3 faulty guardians it lies between two honest votes (a faulty
    /// guardian can neither push it past every honest clock nor hold it back), and it never decreases.
    static func consensusTime(peerCount: Int, db: any StorageReading) throws -> UInt64 {
        var votes: [UInt64] = try db.fetchAll("SELECT seconds FROM ln_time_votes ORDER BY peer").map { try $0.unsigned("seconds") }
        votes = Array(votes.prefix(peerCount))
        votes += Array(repeating: 0, count: peerCount - votes.count)
        votes.sort()
        return votes[peerCount / 2]
    }
}
