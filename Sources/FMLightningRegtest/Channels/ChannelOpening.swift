import FMBitcoin
import FMCore
import FMDatabase
import FMSecp256k1
import Foundation
import GRDB

/// Opening a channel: `open_channel` → `accept_channel` (both funding keys known) → the opener builds and signs the
/// 2-of-2 P2WSH funding transaction and stores the channel → `funding_created` → the acceptor stores the channel →
/// `funding_signed` → the opener broadcasts. Both then watch the chain for the funding output (scanChain).
extension LightningNode {
    /// Core Lightning's limit without `large-channels` (2^24 − 1 sat).
    static let maximumFundingSat: UInt64 = 16_777_215

    struct Funded: Sendable {
        var transaction: BitcoinTransaction
        var channelId: String
        var outputIndex: UInt32
    }

    static func fundingScript(_ keys: [PublicKey]) throws -> Script { try .sortedMultisig(threshold: 2, keys) }

    /// BOLT 2's channel id: the funding txid (internal byte order) with the output index XORed into its last two bytes.
    static func channelID(txid: Txid, vout: UInt32) -> String {
        var bytes = txid.bytes
        bytes[30] ^= UInt8(truncatingIfNeeded: vout >> 8)
        bytes[31] ^= UInt8(truncatingIfNeeded: vout)
        return Hex.encode(bytes)
    }

    func fundChannel(with peer: NodeID, amountSat: UInt64) async throws(RPCError) -> Funded {
        guard amountSat > 0 else { throw RPCError.invalid("amount", "a positive number of satoshis") }
        guard amountSat <= Self.maximumFundingSat else {
            throw RPCError(RPCError.fundMaxExceeded, "Amount exceeded \(Self.maximumFundingSat)sat")
        }
        guard isConnected(peer) else {
            let known = (try? database.readNow { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM ln_peers WHERE node_id = ?", arguments: [peer.bytes]) })
            throw known == nil
                ? RPCError(RPCError.fundUnknownPeer, "Unknown peer")
                : RPCError(RPCError.fundPeerNotConnected, "Peer not connected")
        }
        let coins: [OnChainWallet.Coin]
        do {
            coins = try spendableCoins()
            // Fail before asking the peer when the wallet cannot pay (a P2WSH output is the same size whatever the keys).
            _ = try wallet.pay(
                amountSat, to: .payToWitnessScriptHash(Script([0x51])), from: coins, change: try wallet.script(index: 0),
                lockTime: 0)
        } catch NodeError.cannotAfford(let needed, let available) {
            throw RPCError(RPCError.fundCannotAfford, "Could not afford \(needed)sat using all \(available)sat of confirmed outputs")
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
        let temporaryID = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        let keyIndex = nextFundingKeyIndex
        nextFundingKeyIndex += 1
        do {
            let localKey = try wallet.fundingKey(index: keyIndex).publicKey
            await send(.openChannel(.init(temporaryChannelId: temporaryID, fundingSat: amountSat, fundingPubkey: Hex.encode(localKey.compressed))), to: peer)
            guard case .acceptChannel(let accept) = try await awaitReply(temporaryID), let remoteBytes = Hex.decode(accept.fundingPubkey)
            else { throw NodeError.peerProtocol("expected accept_channel") }
            let remoteKey = try PublicKey(serialized: remoteBytes)
            let funded = try buildFunding(
                peer: peer, amountSat: amountSat, localKeyIndex: keyIndex, localKey: localKey, remoteKey: remoteKey)
            await send(
                .fundingCreated(.init(temporaryChannelId: temporaryID, fundingTxid: funded.transaction.txid.displayHex, fundingOutput: funded.outputIndex)),
                to: peer)
            guard case .fundingSigned = try await awaitReply(funded.channelId) else { throw NodeError.peerProtocol("expected funding_signed") }
            do {
                _ = try await bitcoin.sendRawTransaction(funded.transaction)
            } catch {
                try abandon(funded)
                throw RPCError(RPCError.lightningd, "Error broadcasting funding transaction: \(error)")
            }
            try database.writeNow { db in
                try db.execute(
                    sql: "UPDATE ln_channels SET state = ? WHERE channel_id = ?", arguments: [ChannelState.awaitingLockin, funded.channelId])
            }
            return funded
        } catch let error as RPCError {
            throw error
        } catch NodeError.cannotAfford(let needed, let available) {
            throw RPCError(RPCError.fundCannotAfford, "Could not afford \(needed)sat using all \(available)sat of confirmed outputs")
        } catch {
            throw RPCError(RPCError.lightningd, "\(error)")
        }
    }

    /// Confirmed wallet coins not already spent by a transaction of ours.
    func spendableCoins() throws -> [OnChainWallet.Coin] {
        let scripts = walletScripts
        return try database.readNow { db in
            try Row.fetchAll(db, sql: "SELECT txid, vout, value, script FROM ln_utxos WHERE spent_by IS NULL").compactMap { row in
                guard let index = scripts[Script(row["script"] as [UInt8])] else { return nil }
                return OnChainWallet.Coin(
                    outpoint: BitcoinOutPoint(txid: try Txid(bytes: row["txid"] as [UInt8]), index: row["vout"]),
                    value: try row.amount("value"), keyIndex: index)
            }
        }
    }

    /// Signs the funding transaction and stores the channel (OPENINGD) with its coins marked spent, in one transaction.
    private func buildFunding(peer: NodeID, amountSat: UInt64, localKeyIndex: Int, localKey: PublicKey, remoteKey: PublicKey) throws -> Funded {
        let destination = Script.payToWitnessScriptHash(try Self.fundingScript([localKey, remoteKey]))
        let change = try newWalletScript()
        let (transaction, spent) = try wallet.pay(
            amountSat, to: destination, from: try spendableCoins(), change: change, lockTime: UInt32(clamping: blockHeight))
        let txid = transaction.txid
        let channelId = Self.channelID(txid: txid, vout: 0)
        let capacity = try checkedMultiply(amountSat, 1000)
        try database.writeNow { db in
            for coin in spent {
                try db.execute(
                    sql: "UPDATE ln_utxos SET spent_by = ? WHERE txid = ? AND vout = ?",
                    arguments: [txid.bytes, coin.outpoint.txid.bytes, coin.outpoint.index])
            }
            try db.execute(
                sql: """
                    INSERT INTO ln_channels (channel_id, peer_id, opener_local, funding_txid, funding_vout, funding_sat,
                        local_funding_key_index, remote_funding_pubkey, state, to_us_msat, to_them_msat, funding_raw)
                    VALUES (?, ?, 1, ?, 0, ?, ?, ?, ?, ?, 0, ?)
                    """,
                arguments: [
                    channelId, peer.bytes, txid.bytes, try amountSat.storedInteger("funding_sat"), localKeyIndex,
                    remoteKey.compressed, ChannelState.opening, try capacity.storedInteger("to_us_msat"), transaction.serialized(),
                ])
        }
        return Funded(transaction: transaction, channelId: channelId, outputIndex: 0)
    }

    /// The broadcast failed: forget the channel and free its coins.
    private func abandon(_ funded: Funded) throws {
        try database.writeNow { db in
            try db.execute(sql: "UPDATE ln_utxos SET spent_by = NULL WHERE spent_by = ?", arguments: [funded.transaction.txid.bytes])
            try db.execute(sql: "DELETE FROM ln_channels WHERE channel_id = ?", arguments: [funded.channelId])
        }
    }

    func acceptOpen(_ open: PeerMessage.OpenChannel, from peer: NodeID) async throws {
        guard open.fundingSat > 0, open.fundingSat <= Self.maximumFundingSat, let bytes = Hex.decode(open.fundingPubkey) else {
            throw NodeError.peerProtocol("bad open_channel")
        }
        let remoteKey = try PublicKey(serialized: bytes)
        let keyIndex = nextFundingKeyIndex
        nextFundingKeyIndex += 1
        acceptedOpens[open.temporaryChannelId] = AcceptedOpen(
            peer: peer, fundingSat: open.fundingSat, remoteFundingKey: remoteKey, localKeyIndex: keyIndex)
        let localKey = try wallet.fundingKey(index: keyIndex).publicKey
        await send(.acceptChannel(.init(temporaryChannelId: open.temporaryChannelId, fundingPubkey: Hex.encode(localKey.compressed))), to: peer)
    }

    func acceptFunding(_ created: PeerMessage.FundingCreated, from peer: NodeID) async throws {
        guard let open = acceptedOpens.removeValue(forKey: created.temporaryChannelId), open.peer == peer else {
            throw NodeError.peerProtocol("funding_created for an unknown channel")
        }
        let txid = try Txid(displayHex: created.fundingTxid)
        let channelId = Self.channelID(txid: txid, vout: created.fundingOutput)
        let capacity = try checkedMultiply(open.fundingSat, 1000)
        try database.writeNow { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO ln_channels (channel_id, peer_id, opener_local, funding_txid, funding_vout, funding_sat,
                        local_funding_key_index, remote_funding_pubkey, state, to_us_msat, to_them_msat)
                    VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 0, ?)
                    """,
                arguments: [
                    channelId, peer.bytes, txid.bytes, created.fundingOutput, try open.fundingSat.storedInteger("funding_sat"),
                    open.localKeyIndex, open.remoteFundingKey.compressed, ChannelState.awaitingLockin,
                    try capacity.storedInteger("to_them_msat"),
                ])
        }
        await send(.fundingSigned(.init(channelId: channelId)), to: peer)
    }

    /// A fresh wallet address's script, persisted before it is handed out.
    func newWalletScript() throws -> Script {
        let index = walletScripts.count
        let script = try wallet.script(index: index)
        try database.writeNow { db in
            try db.execute(sql: "INSERT INTO ln_wallet_keys (key_index, script) VALUES (?, ?)", arguments: [index, script.bytes])
        }
        walletScripts[script] = index
        return script
    }

    // MARK: Gossip

    /// Our direction of every usable channel, added to the graph and sent to every peer once it changes.
    func announceOwnChannels() async throws {
        let ours = try database.readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.short_channel_id, c.peer_id, c.funding_sat FROM ln_channels c
                    WHERE c.state = ? AND NOT EXISTS (SELECT 1 FROM ln_graph g WHERE g.short_channel_id = c.short_channel_id AND g.source = ?)
                    """,
                arguments: [ChannelState.normal, id.bytes])
        }
        for row in ours {
            try await learn(
                .init(
                    shortChannelId: row["short_channel_id"], source: id, destination: NodeID(storedBytes: row["peer_id"]),
                    capacitySat: try row.amount("funding_sat"), feeBaseMsat: configuration.feeBaseMsat,
                    feePpm: configuration.feePpm, cltvDelta: configuration.cltvDelta))
        }
    }

    /// Stores an announcement; a new or changed one is flooded to every connected peer.
    func learn(_ announcement: PeerMessage.ChannelAnnouncement) async throws {
        guard ShortChannelID.isValid(announcement.shortChannelId) else { throw NodeError.peerProtocol("bad short_channel_id") }
        let changed = try database.writeNow { db -> Bool in
            let existing = try Row.fetchOne(
                db, sql: "SELECT fee_base_msat, fee_ppm, cltv_delta FROM ln_graph WHERE short_channel_id = ? AND source = ?",
                arguments: [announcement.shortChannelId, announcement.source.bytes])
            if let existing, try existing.amount("fee_base_msat") == announcement.feeBaseMsat,
                try existing.amount("fee_ppm") == announcement.feePpm, try existing.amount("cltv_delta") == announcement.cltvDelta
            {
                return false
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO ln_graph (short_channel_id, source, destination, capacity_sat, fee_base_msat, fee_ppm, cltv_delta)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    announcement.shortChannelId, announcement.source.bytes, announcement.destination.bytes,
                    try announcement.capacitySat.storedInteger("capacity_sat"), try announcement.feeBaseMsat.storedInteger("fee_base_msat"),
                    try announcement.feePpm.storedInteger("fee_ppm"), try announcement.cltvDelta.storedInteger("cltv_delta"),
                ])
            return true
        }
        guard changed else { return }
        for peer in connections.keys { await send(.channelAnnouncement(announcement), to: peer) }
    }

    func graphAnnouncements() throws -> [PeerMessage.ChannelAnnouncement] {
        try database.readNow { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ln_graph").map { row in
                PeerMessage.ChannelAnnouncement(
                    shortChannelId: row["short_channel_id"], source: NodeID(storedBytes: row["source"]),
                    destination: NodeID(storedBytes: row["destination"]), capacitySat: try row.amount("capacity_sat"),
                    feeBaseMsat: try row.amount("fee_base_msat"), feePpm: try row.amount("fee_ppm"), cltvDelta: try row.amount("cltv_delta"))
            }
        }
    }
}
