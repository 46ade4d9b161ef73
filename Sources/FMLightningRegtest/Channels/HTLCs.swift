import FMBitcoin
import FMCore
import FMDatabase
import Foundation
import GRDB

/// HTLC states (one row per HTLC and direction; `delivered` says the peer acknowledged the add, for `out`, or the
/// fulfill/fail, for `in`, so nothing is sent again after that).
enum HTLCState {
    /// out: added, waiting for the peer's fulfill or fail.
    static let offered = "offered"
    /// in: stored, not yet decided (a restart decides it again).
    static let received = "received"
    /// in: forwarded; resolved when the outgoing HTLC is.
    static let forwarded = "forwarded"
    /// in: for a hold invoice, waiting for holdinvoicesettle or holdinvoicecancel.
    static let held = "held"
    static let fulfilled = "fulfilled"
    static let failed = "failed"
}

/// The balance rule, the same for both directions: adding moves the amount out of the sender's balance into the
/// HTLC; fulfilling moves it to the receiver's, failing back to the sender's. So `to_us + to_them + pending HTLCs` is
/// the channel's capacity at every step, in both nodes' views, and every step is one SQLite transaction.
extension LightningNode {
    struct StoredHTLC {
        var channelId: String
        var direction: String
        var htlcId: UInt64
        var amountMsat: UInt64
        var paymentHash: [UInt8]
        var cltvExpiry: UInt64
        var onion: Onion
        var state: String
        var preimage: [UInt8]?
        var failure: HTLCFailure?
        var originChannel: String?
        var originHTLC: UInt64?
        var paymentId: Int64?

        init(_ row: Row) throws {
            channelId = row["channel_id"]
            direction = row["direction"]
            htlcId = try row.amount("htlc_id")
            amountMsat = try row.amount("amount_msat")
            paymentHash = row["payment_hash"]
            cltvExpiry = try row.amount("cltv_expiry")
            onion = try JSONConventions.decoder().decode(Onion.self, from: Data((row["onion"] as String).utf8))
            state = row["state"]
            preimage = row["preimage"]
            failure = try (row["failure"] as String?).map { try JSONConventions.decoder().decode(HTLCFailure.self, from: Data($0.utf8)) }
            originChannel = row["origin_channel"]
            originHTLC = try row.optionalAmount("origin_htlc")
            paymentId = row["payment_id"]
        }
    }

    static func loadHTLC(_ db: Database, channel: String, direction: String, id: UInt64) throws -> StoredHTLC? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM ln_htlcs WHERE channel_id = ? AND direction = ? AND htlc_id = ?",
            arguments: [channel, direction, try id.storedInteger("htlc_id")]
        ).map(StoredHTLC.init)
    }

    /// Moves `amount` between a channel's balance columns (checked both ways).
    static func move(_ db: Database, channel: String, subtract: String?, add: String?, amount: UInt64) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT to_us_msat, to_them_msat FROM ln_channels WHERE channel_id = ?", arguments: [channel])
        else { throw NodeError.corrupt("channel \(channel)") }
        for column in [subtract, add].compactMap({ $0 }) where column != "to_us_msat" && column != "to_them_msat" {
            throw NodeError.corrupt("column \(column)")
        }
        if let subtract {
            let balance = try row.amount(subtract)
            guard balance >= amount else { throw NodeError.cannotAfford(needed: amount, available: balance) }
            try db.execute(
                sql: "UPDATE ln_channels SET \(subtract) = ? WHERE channel_id = ?",
                arguments: [try (balance - amount).storedInteger(subtract), channel])
        }
        if let add {
            let balance = try row.amount(add)
            try db.execute(
                sql: "UPDATE ln_channels SET \(add) = ? WHERE channel_id = ?",
                arguments: [try checkedAdd(balance, amount).storedInteger(add), channel])
        }
    }

    static func encodeJSON(_ value: some Encodable) throws -> String { try JSONConventions.line(value) }

    static func setState(
        _ db: Database, _ htlc: StoredHTLC, state: String, preimage: [UInt8]? = nil, failure: HTLCFailure? = nil
    ) throws {
        try db.execute(
            sql: """
                UPDATE ln_htlcs SET state = ?, preimage = COALESCE(?, preimage), failure = COALESCE(?, failure), delivered = 0
                WHERE channel_id = ? AND direction = ? AND htlc_id = ?
                """,
            arguments: [
                state, preimage, try failure.map { try encodeJSON($0) }, htlc.channelId, htlc.direction, try htlc.htlcId.storedInteger("htlc_id"),
            ])
    }

    /// Adds an outgoing HTLC on `channel` (inside the caller's transaction). Throws ``HTLCFailure``-worthy
    /// conditions as `nil`: the caller turns them into a failure.
    static func offer(
        _ db: Database, channel: String, amount: UInt64, paymentHash: [UInt8], expiry: UInt64, onion: Onion,
        origin: (channel: String, htlc: UInt64)?, paymentId: Int64?
    ) throws -> Bool {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT state, to_us_msat, next_htlc_id FROM ln_channels WHERE channel_id = ?", arguments: [channel]),
            row["state"] as String == ChannelState.normal, try row.amount("to_us_msat") >= amount, amount > 0
        else { return false }
        let htlcId = try row.amount("next_htlc_id")
        try move(db, channel: channel, subtract: "to_us_msat", add: nil, amount: amount)
        try db.execute(
            sql: "UPDATE ln_channels SET next_htlc_id = ? WHERE channel_id = ?",
            arguments: [try checkedAdd(htlcId, 1).storedInteger("next_htlc_id"), channel])
        try db.execute(
            sql: """
                INSERT INTO ln_htlcs (channel_id, direction, htlc_id, amount_msat, payment_hash, cltv_expiry, onion, state,
                    origin_channel, origin_htlc, payment_id)
                VALUES (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                channel, try htlcId.storedInteger("htlc_id"), try amount.storedInteger("amount_msat"), paymentHash,
                try expiry.storedInteger("cltv_expiry"), try encodeJSON(onion), HTLCState.offered, origin?.channel,
                try origin.map { try $0.htlc.storedInteger("origin_htlc") }, paymentId,
            ])
        return true
    }

    func peer(ofChannel channel: String) throws -> NodeID? {
        try database.readNow { db in
            try ([UInt8].fetchOne(db, sql: "SELECT peer_id FROM ln_channels WHERE channel_id = ?", arguments: [channel])).map(NodeID.init(storedBytes:))
        }
    }

    /// Sends `peer` every HTLC message it has not acknowledged: our adds, and our fulfills/fails of its adds.
    func deliver(to peer: NodeID) async {
        guard isConnected(peer), let rows = try? database.readNow({ db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT h.* FROM ln_htlcs h JOIN ln_channels c ON c.channel_id = h.channel_id
                    WHERE c.peer_id = ? AND h.delivered = 0
                      AND ((h.direction = 'out' AND h.state = ?) OR (h.direction = 'in' AND h.state IN (?, ?)))
                    """,
                arguments: [peer.bytes, HTLCState.offered, HTLCState.fulfilled, HTLCState.failed])
        }) else { return }
        for row in rows {
            guard let htlc = try? StoredHTLC(row) else { continue }
            switch (htlc.direction, htlc.state) {
            case ("out", _):
                await send(
                    .addHTLC(.init(
                        channelId: htlc.channelId, htlcId: htlc.htlcId, amountMsat: htlc.amountMsat,
                        paymentHash: Hex.encode(htlc.paymentHash), cltvExpiry: htlc.cltvExpiry, onion: htlc.onion)), to: peer)
            case (_, HTLCState.fulfilled):
                guard let preimage = htlc.preimage else { continue }
                await send(.fulfillHTLC(.init(channelId: htlc.channelId, htlcId: htlc.htlcId, preimage: Hex.encode(preimage))), to: peer)
            default:
                let failure = htlc.failure ?? HTLCFailure(code: HTLCFailure.temporaryChannelFailure, erringChannel: nil, message: "failed")
                await send(.failHTLC(.init(channelId: htlc.channelId, htlcId: htlc.htlcId, failure: failure)), to: peer)
            }
        }
    }

    private func checkChannel(_ channel: String, peer: NodeID) throws {
        guard try self.peer(ofChannel: channel) == peer else { throw NodeError.peerProtocol("channel \(channel) is not ours with \(peer)") }
    }

    func receiveAdd(_ add: PeerMessage.AddHTLC, from peer: NodeID) async throws {
        try checkChannel(add.channelId, peer: peer)
        guard let hash = Hex.decode(add.paymentHash), hash.count == 32, add.amountMsat > 0 else {
            throw NodeError.peerProtocol("bad update_add_htlc")
        }
        try database.writeNow { db in
            if try Self.loadHTLC(db, channel: add.channelId, direction: "in", id: add.htlcId) != nil { return }
            try Self.move(db, channel: add.channelId, subtract: "to_them_msat", add: nil, amount: add.amountMsat)
            try db.execute(
                sql: """
                    INSERT INTO ln_htlcs (channel_id, direction, htlc_id, amount_msat, payment_hash, cltv_expiry, onion, state)
                    VALUES (?, 'in', ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    add.channelId, try add.htlcId.storedInteger("htlc_id"), try add.amountMsat.storedInteger("amount_msat"), hash,
                    try add.cltvExpiry.storedInteger("cltv_expiry"), try Self.encodeJSON(add.onion), HTLCState.received,
                ])
        }
        await send(.ack(.init(channelId: add.channelId, htlcId: add.htlcId, resolution: false)), to: peer)
        try await processPendingHTLCs()
    }

    func receiveFulfill(_ fulfill: PeerMessage.FulfillHTLC, from peer: NodeID) async throws {
        try checkChannel(fulfill.channelId, peer: peer)
        guard let preimage = Hex.decode(fulfill.preimage), preimage.count == 32 else { throw NodeError.peerProtocol("bad preimage") }
        let upstream = try database.writeNow { db -> String? in
            guard let htlc = try Self.loadHTLC(db, channel: fulfill.channelId, direction: "out", id: fulfill.htlcId) else {
                throw NodeError.peerProtocol("fulfill of an unknown HTLC")
            }
            guard htlc.state == HTLCState.offered else { return nil }
            guard sha256(preimage) == htlc.paymentHash else { throw NodeError.peerProtocol("preimage does not match the payment hash") }
            try Self.setState(db, htlc, state: HTLCState.fulfilled, preimage: preimage)
            try Self.move(db, channel: htlc.channelId, subtract: nil, add: "to_them_msat", amount: htlc.amountMsat)
            if let paymentId = htlc.paymentId {
                try db.execute(
                    sql: "UPDATE ln_payments SET status = 'complete', preimage = ?, completed_at = ? WHERE id = ?",
                    arguments: [preimage, Self.now(), paymentId])
            }
            guard let originChannel = htlc.originChannel, let originHTLC = htlc.originHTLC,
                let incoming = try Self.loadHTLC(db, channel: originChannel, direction: "in", id: originHTLC),
                incoming.state == HTLCState.forwarded
            else { return nil }
            try Self.setState(db, incoming, state: HTLCState.fulfilled, preimage: preimage)
            try Self.move(db, channel: originChannel, subtract: nil, add: "to_us_msat", amount: incoming.amountMsat)
            return originChannel
        }
        await send(.ack(.init(channelId: fulfill.channelId, htlcId: fulfill.htlcId, resolution: true)), to: peer)
        if let upstream, let upstreamPeer = try self.peer(ofChannel: upstream) { await deliver(to: upstreamPeer) }
    }

    func receiveFail(_ fail: PeerMessage.FailHTLC, from peer: NodeID) async throws {
        try checkChannel(fail.channelId, peer: peer)
        let upstream = try database.writeNow { db -> String? in
            guard let htlc = try Self.loadHTLC(db, channel: fail.channelId, direction: "out", id: fail.htlcId) else {
                throw NodeError.peerProtocol("fail of an unknown HTLC")
            }
            guard htlc.state == HTLCState.offered else { return nil }
            try Self.failOutgoing(db, htlc, failure: fail.failure)
            return htlc.originChannel
        }
        await send(.ack(.init(channelId: fail.channelId, htlcId: fail.htlcId, resolution: true)), to: peer)
        if let upstream, let upstreamPeer = try self.peer(ofChannel: upstream) { await deliver(to: upstreamPeer) }
    }

    /// An outgoing HTLC failed: the amount returns to us, and the failure goes to whoever it was for.
    static func failOutgoing(_ db: Database, _ htlc: StoredHTLC, failure: HTLCFailure) throws {
        try setState(db, htlc, state: HTLCState.failed, failure: failure)
        try move(db, channel: htlc.channelId, subtract: nil, add: "to_us_msat", amount: htlc.amountMsat)
        if let paymentId = htlc.paymentId {
            try db.execute(
                sql: "UPDATE ln_payments SET status = 'failed', failure = ?, erring_channel = ?, completed_at = ? WHERE id = ? AND status = 'pending'",
                arguments: [try encodeJSON(failure), failure.erringChannel, now(), paymentId])
        }
        if let originChannel = htlc.originChannel, let originHTLC = htlc.originHTLC,
            let incoming = try loadHTLC(db, channel: originChannel, direction: "in", id: originHTLC), incoming.state == HTLCState.forwarded
        {
            try failIncoming(db, incoming, failure: failure)
        }
    }

    /// Fails an incoming HTLC back: the amount returns to the peer's side.
    static func failIncoming(_ db: Database, _ htlc: StoredHTLC, failure: HTLCFailure) throws {
        try setState(db, htlc, state: HTLCState.failed, failure: failure)
        try move(db, channel: htlc.channelId, subtract: nil, add: "to_them_msat", amount: htlc.amountMsat)
    }

    /// Fulfills an incoming HTLC with its preimage: the amount becomes ours.
    static func fulfillIncoming(_ db: Database, _ htlc: StoredHTLC, preimage: [UInt8]) throws {
        try setState(db, htlc, state: HTLCState.fulfilled, preimage: preimage)
        try move(db, channel: htlc.channelId, subtract: nil, add: "to_us_msat", amount: htlc.amountMsat)
    }

    func receiveAck(_ ack: PeerMessage.Ack, from peer: NodeID) throws {
        try checkChannel(ack.channelId, peer: peer)
        try database.writeNow { db in
            try db.execute(
                sql: """
                    UPDATE ln_htlcs SET delivered = 1 WHERE channel_id = ? AND direction = ? AND htlc_id = ?
                      AND (direction = 'out' OR state IN (?, ?))
                    """,
                arguments: [
                    ack.channelId, ack.resolution ? "in" : "out", try ack.htlcId.storedInteger("htlc_id"), HTLCState.fulfilled,
                    HTLCState.failed,
                ])
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Decides every incoming HTLC still `received` (just arrived, or stored before a restart): accept it for one of
    /// our invoices, hold it for a hold invoice, forward it, or fail it back.
    func processPendingHTLCs() async throws {
        let pending = try database.readNow { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ln_htlcs WHERE direction = 'in' AND state = ?", arguments: [HTLCState.received])
                .map(StoredHTLC.init)
        }
        var touched: Set<NodeID> = []
        for htlc in pending {
            let outcome = try database.writeNow { db in try self.decide(db, htlc) }
            if let from = try peer(ofChannel: htlc.channelId) { touched.insert(from) }
            if let next = outcome { touched.insert(next) }
        }
        for peer in touched { await deliver(to: peer) }
    }

    /// Returns the next hop's peer when the HTLC was forwarded.
    private func decide(_ db: Database, _ htlc: StoredHTLC) throws -> NodeID? {
        guard let current = try Self.loadHTLC(db, channel: htlc.channelId, direction: "in", id: htlc.htlcId),
            current.state == HTLCState.received
        else { return nil }
        let height = UInt64(clamping: blockHeight)
        guard let next = htlc.onion.next.first else {
            try acceptFinal(db, htlc, height: height)
            return nil
        }
        func fail(_ code: String, _ message: String) throws -> NodeID? {
            try Self.failIncoming(db, htlc, failure: HTLCFailure(code: code, erringChannel: next.shortChannelId, message: message))
            return nil
        }
        guard let channel = try Row.fetchOne(
            db, sql: "SELECT channel_id, peer_id FROM ln_channels WHERE short_channel_id = ? AND state = ?",
            arguments: [next.shortChannelId, ChannelState.normal])
        else { return try fail(HTLCFailure.unknownNextPeer, "no channel \(next.shortChannelId)") }
        let nextPeer = NodeID(storedBytes: channel["peer_id"])
        guard isConnected(nextPeer) else { return try fail(HTLCFailure.temporaryChannelFailure, "peer \(nextPeer) is offline") }
        let fee = try Self.forwardingFee(next.amountMsat, base: configuration.feeBaseMsat, ppm: configuration.feePpm)
        guard htlc.amountMsat >= (try checkedAdd(next.amountMsat, fee)) else {
            return try fail(HTLCFailure.feeInsufficient, "fee below \(fee)msat")
        }
        guard htlc.cltvExpiry >= (try checkedAdd(next.cltvExpiry, configuration.cltvDelta)), next.cltvExpiry > height else {
            return try fail(HTLCFailure.expiryTooSoon, "expiry too soon")
        }
        let onion = Onion(next: Array(htlc.onion.next.dropFirst()), paymentSecret: htlc.onion.paymentSecret, totalMsat: htlc.onion.totalMsat)
        guard try Self.offer(
            db, channel: channel["channel_id"], amount: next.amountMsat, paymentHash: htlc.paymentHash, expiry: next.cltvExpiry,
            onion: onion, origin: (htlc.channelId, htlc.htlcId), paymentId: nil)
        else { return try fail(HTLCFailure.temporaryChannelFailure, "insufficient capacity on \(next.shortChannelId)") }
        try Self.setState(db, htlc, state: HTLCState.forwarded)
        return nextPeer
    }

    static func forwardingFee(_ amount: UInt64, base: UInt64, ppm: UInt64) throws -> UInt64 {
        try checkedAdd(base, try checkedMultiply(amount, ppm) / 1_000_000)
    }
}
