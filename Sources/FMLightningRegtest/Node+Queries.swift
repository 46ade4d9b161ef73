import FMBitcoin
import FMCore
import FMDatabase
import Foundation
import GRDB

/// What `getinfo`, `newaddr`, `listfunds` and `listpeerchannels` report.
extension LightningNode {
    func getInfo(directory: String) throws -> JSONValue {
        let counts = try database.readNow { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ln_channels WHERE state != ?", arguments: [ChannelState.normal]) ?? 0,
                try Row.fetchAll(db, sql: "SELECT peer_id FROM ln_channels WHERE state = ?", arguments: [ChannelState.normal])
                    .map { NodeID(storedBytes: $0["peer_id"]) }
            )
        }
        let active = counts.1.filter { connections[$0] != nil }.count
        return .object([
            "id": .string(id.hex), "alias": .string(configuration.alias), "color": .string("02" + String(id.hex.prefix(4))),
            "num_peers": .unsigned(UInt64(connections.count)), "num_pending_channels": .unsigned(UInt64(counts.0)),
            "num_active_channels": .unsigned(UInt64(active)), "num_inactive_channels": .unsigned(UInt64(counts.1.count - active)),
            "address": .array([]),
            "binding": .array([.object(["type": .string("ipv4"), "address": .string(configuration.peerHost), "port": .unsigned(UInt64(listenPort))])]),
            "version": .string("fm-ln-regtest"), "blockheight": .unsigned(UInt64(clamping: blockHeight)),
            "network": .string("regtest"), "lightning-dir": .string(directory), "fees_collected_msat": .unsigned(try feesCollected()),
            "our_features": .object([:]),
        ])
    }

    /// What forwarding earned: incoming minus outgoing amounts of forwards that were fulfilled.
    func feesCollected() throws -> UInt64 {
        try database.readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.amount_msat AS incoming, o.amount_msat AS outgoing FROM ln_htlcs o
                    JOIN ln_htlcs i ON i.channel_id = o.origin_channel AND i.htlc_id = o.origin_htlc AND i.direction = 'in'
                    WHERE o.direction = 'out' AND o.state = ?
                    """, arguments: [HTLCState.fulfilled]
            ).reduce(UInt64(0)) { total, row in try checkedAdd(total, (try row.amount("incoming")) &- (try row.amount("outgoing"))) }
        }
    }

    func newAddress() throws -> String {
        try SegwitAddress(scriptPubKey: try newWalletScript(), network: .regtest).string
    }

    func listFunds() throws -> JSONValue {
        let (utxos, channels) = try database.readNow { db in
            (
                try Row.fetchAll(db, sql: "SELECT * FROM ln_utxos WHERE spent_by IS NULL ORDER BY height, txid, vout"),
                try Row.fetchAll(db, sql: "SELECT * FROM ln_channels ORDER BY channel_id")
            )
        }
        let outputs: [JSONValue] = try utxos.map { row in
            let script = Script(row["script"] as [UInt8])
            let value = try row.amount("value")
            return .object([
                "txid": .string(try Txid(bytes: row["txid"] as [UInt8]).displayHex), "output": .integer(row["vout"]),
                "amount_msat": .unsigned(try checkedMultiply(value, 1000)), "scriptpubkey": .string(script.hex),
                "address": .string((try? SegwitAddress(scriptPubKey: script, network: .regtest).string) ?? ""),
                "status": .string("confirmed"), "blockheight": .integer(row["height"]), "reserved": .bool(false),
            ])
        }
        let channelList: [JSONValue] = try channels.map { row in
            let peer = NodeID(storedBytes: row["peer_id"])
            let fundingSat = try row.amount("funding_sat")
            var object: [String: JSONValue] = [
                "peer_id": .string(peer.hex), "connected": .bool(connections[peer] != nil), "state": .string(row["state"]),
                "channel_id": .string(row["channel_id"]), "our_amount_msat": .unsigned(try row.amount("to_us_msat")),
                "amount_msat": .unsigned(try checkedMultiply(fundingSat, 1000)),
                "funding_txid": .string(try Txid(bytes: row["funding_txid"] as [UInt8]).displayHex),
                "funding_output": .integer(row["funding_vout"]),
            ]
            if let scid = row["short_channel_id"] as String? { object["short_channel_id"] = .string(scid) }
            return .object(object)
        }
        return .object(["outputs": .array(outputs), "channels": .array(channelList)])
    }

    func listPeerChannels(peer: NodeID?) throws -> JSONValue {
        let rows = try database.readNow { db in
            (
                try Row.fetchAll(db, sql: "SELECT * FROM ln_channels ORDER BY channel_id"),
                try Row.fetchAll(db, sql: "SELECT * FROM ln_htlcs WHERE state IN (?, ?, ?, ?) ORDER BY htlc_id",
                    arguments: [HTLCState.offered, HTLCState.received, HTLCState.forwarded, HTLCState.held])
            )
        }
        var pending: [String: [JSONValue]] = [:]
        for row in rows.1 {
            let htlc = try StoredHTLC(row)
            pending[htlc.channelId, default: []].append(.object([
                "direction": .string(htlc.direction), "id": .unsigned(htlc.htlcId), "amount_msat": .unsigned(htlc.amountMsat),
                "expiry": .unsigned(htlc.cltvExpiry), "payment_hash": .string(Hex.encode(htlc.paymentHash)),
                "state": .string(htlc.direction == "out" ? "SENT_ADD_ACK_REVOCATION" : "RCVD_ADD_ACK_REVOCATION"),
            ]))
        }
        let channels: [JSONValue] = try rows.0.compactMap { row in
            let channelPeer = NodeID(storedBytes: row["peer_id"])
            if let peer, peer != channelPeer { return nil }
            let channelId: String = row["channel_id"]
            let toUs = try row.amount("to_us_msat")
            let toThem = try row.amount("to_them_msat")
            let total = try checkedMultiply(try row.amount("funding_sat"), 1000)
            var object: [String: JSONValue] = [
                "peer_id": .string(channelPeer.hex), "peer_connected": .bool(connections[channelPeer] != nil),
                "state": .string(row["state"]), "channel_id": .string(channelId),
                "funding_txid": .string(try Txid(bytes: row["funding_txid"] as [UInt8]).displayHex),
                "funding_outnum": .integer(row["funding_vout"]), "opener": .string((row["opener_local"] as Bool) ? "local" : "remote"),
                "to_us_msat": .unsigned(toUs), "total_msat": .unsigned(total), "spendable_msat": .unsigned(toUs),
                "receivable_msat": .unsigned(toThem), "htlcs": .array(pending[channelId] ?? []),
            ]
            if let scid = row["short_channel_id"] as String? { object["short_channel_id"] = .string(scid) }
            return .object(object)
        }
        return .object(["channels": .array(channels)])
    }

    /// The earliest expiry of the HTLCs held for a hold invoice.
    func heldExpiry(_ paymentHash: [UInt8]) -> UInt64? {
        try? database.readNow { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(cltv_expiry) FROM ln_htlcs WHERE direction = 'in' AND state = ? AND payment_hash = ?",
                arguments: [HTLCState.held, paymentHash]
            ).flatMap { UInt64(exactly: $0) }
        }
    }
}
