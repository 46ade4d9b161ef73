import FMBitcoin
import FMBitcoinRPC
import FMCore
import FMDatabase
import FMSecp256k1
import Foundation
import GRDB
import Logging
import NIOCore

/// One regtest Lightning node: its key, database, peer connections and chain view. The RPC server
/// (``LightningRPCServer``) calls into it; peers reach it through ``PeerWire``. Bitcoin is reached only through
/// Bitcoin Core's JSON-RPC (``BitcoinRPC``), so fm-regtest and bitcoind are alike to it.
public actor LightningNode {
    public struct Configuration: Sendable {
        public var directory: String
        public var bitcoin: BitcoinRPCConfig
        public var peerHost: String
        public var peerPort: Int
        public var alias: String
        /// Confirmations before a channel is usable (Core Lightning's `funding-confirms`, default 3).
        public var fundingConfirmations: Int
        /// Forwarding fees and delta, Core Lightning's defaults (`fee-base` 1 sat, `fee-per-satoshi` 10, `cltv-delta` 34).
        public var feeBaseMsat: UInt64
        public var feePpm: UInt64
        public var cltvDelta: UInt64

        public init(
            directory: String, bitcoin: BitcoinRPCConfig, peerHost: String = "127.0.0.1", peerPort: Int = 0,
            alias: String? = nil, fundingConfirmations: Int = 3, feeBaseMsat: UInt64 = 1000, feePpm: UInt64 = 10,
            cltvDelta: UInt64 = 34
        ) {
            self.directory = directory
            self.bitcoin = bitcoin
            self.peerHost = peerHost
            self.peerPort = peerPort
            self.alias = alias ?? "fm-ln-regtest"
            self.fundingConfirmations = fundingConfirmations
            self.feeBaseMsat = feeBaseMsat
            self.feePpm = feePpm
            self.cltvDelta = cltvDelta
        }
    }

    public nonisolated let configuration: Configuration
    public nonisolated let id: NodeID
    let key: NodeKey
    let wallet: OnChainWallet
    let database: SQLiteDatabase
    let bitcoin: any BitcoinRPC
    let logger: Logger

    var connections: [NodeID: PeerConnection] = [:]
    /// Bumped on every registration, so `connect` can tell a new connection from an old one.
    var connectionGeneration: [NodeID: Int] = [:]
    var listenPort = 0
    var blockHeight = 0
    var walletScripts: [Script: Int] = [:]
    var nextFundingKeyIndex = 0
    /// Replies awaited by `fundchannel` (keyed by temporary channel id).
    var replyWaiters: [String: CheckedContinuation<PeerMessage, any Error>] = [:]
    /// Replies that arrived before their waiter (the actor handles messages while `fundchannel` is sending).
    var earlyReplies: [String: PeerMessage] = [:]
    /// Channel opens this node accepted and waits to see `funding_created` for.
    var acceptedOpens: [String: AcceptedOpen] = [:]

    struct AcceptedOpen {
        var peer: NodeID
        var fundingSat: UInt64
        var remoteFundingKey: PublicKey
        var localKeyIndex: Int
    }

    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let directory = configuration.directory
        try AtomicFile.createPrivateDirectory(directory)
        key = try NodeKey.loadOrCreate(at: (directory as NSString).appendingPathComponent("node.key"))
        id = key.id
        wallet = OnChainWallet(seed: try OnChainWallet.loadOrCreateSeed(at: (directory as NSString).appendingPathComponent("wallet.seed")))
        database = try SQLiteDatabase(path: (directory as NSString).appendingPathComponent("lightning.sqlite"), schemas: [LightningSchema.schema])
        bitcoin = try configuration.bitcoin.makeClient()
        let (scripts, fundingIndex) = try database.readNow { db in
            (
                try Row.fetchAll(db, sql: "SELECT key_index, script FROM ln_wallet_keys"),
                try Int.fetchOne(db, sql: "SELECT MAX(local_funding_key_index) FROM ln_channels")
            )
        }
        for row in scripts {
            let index: Int = row["key_index"]
            walletScripts[Script(row["script"] as [UInt8])] = index
        }
        nextFundingKeyIndex = (fundingIndex ?? -1) + 1
    }

    // MARK: Running

    /// Listens for peers and follows the chain until cancelled. `ready` gets the bound peer port.
    public func run(ready: @escaping @Sendable (Int) async -> Void) async throws {
        // The chain is followed by the background loop below, which retries: a bitcoin node that is briefly
        // unreachable (starting, or busy) does not stop this one from starting.
        let server = try await PeerWire.listen(host: configuration.peerHost, port: configuration.peerPort)
        listenPort = server.channel.localAddress?.port ?? configuration.peerPort
        logger.info("listening for peers", metadata: ["port": "\(listenPort)", "id": "\(id)"])
        await ready(listenPort)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await channel in inbound {
                            connections.addTask { await self.serve(channel, expected: nil, dialed: nil) }
                        }
                    }
                }
            }
            group.addTask { await self.every(milliseconds: 250) { try await $0.scanChain() } }
            group.addTask { await self.every(milliseconds: 1000) { await $0.reconnect() } }
            group.addTask { await self.every(milliseconds: 1000) { try await $0.processPendingHTLCs() } }
        }
    }

    private nonisolated func every(milliseconds: UInt64, _ body: @escaping @Sendable (LightningNode) async throws -> Void) async {
        while !Task.isCancelled {
            do { try await body(self) } catch { logger.warning("background task failed", metadata: ["error": "\(error)"]) }
            try? await Task.sleep(nanoseconds: milliseconds * 1_000_000)
        }
    }

    public var peerPort: Int { listenPort }

    // MARK: Peers

    /// Runs one connection: the signed hello, then every message until it closes.
    func serve(_ channel: PeerChannel, expected: NodeID?, dialed: (host: String, port: Int)?) async {
        let remoteIP = channel.channel.remoteAddress?.ipAddress ?? "127.0.0.1"
        do {
            try await channel.executeThenClose { inbound, outbound in
                var messages = inbound.makeAsyncIterator()
                let (peer, theirPort) = try await PeerWire.handshake(
                    key: key, listenPort: await self.listenPort, expected: expected, inbound: &messages, outbound: outbound)
                let connection = PeerConnection(peer: peer, remoteHost: dialed?.host ?? remoteIP, outbound: outbound)
                try await self.register(connection, port: dialed?.port ?? theirPort)
                do {
                    while let frame = try await messages.next() {
                        await self.handle(try PeerWire.decode(frame), from: connection)
                    }
                } catch {
                    logger.info("peer connection ended", metadata: ["peer": "\(peer)", "error": "\(error)"])
                }
                await self.unregister(connection)
            }
        } catch {
            logger.info("peer connection failed", metadata: ["error": "\(error)"])
        }
    }

    private func register(_ connection: PeerConnection, port: Int) async throws {
        connections[connection.peer] = connection
        connectionGeneration[connection.peer, default: 0] += 1
        let peer = connection.peer
        try database.writeNow { db in
            try db.execute(
                sql: "INSERT INTO ln_peers (node_id, host, port) VALUES (?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET host = excluded.host, port = excluded.port",
                arguments: [peer.bytes, connection.remoteHost, port])
        }
        logger.info("peer connected", metadata: ["peer": "\(peer)"])
        // What the peer may have missed: every channel we know, then every unacknowledged HTLC message.
        for announcement in try graphAnnouncements() { try? await connection.send(.channelAnnouncement(announcement)) }
        await deliver(to: peer)
    }

    private func unregister(_ connection: PeerConnection) {
        if connections[connection.peer] === connection { connections[connection.peer] = nil }
    }

    func isConnected(_ peer: NodeID) -> Bool { connections[peer] != nil }

    func send(_ message: PeerMessage, to peer: NodeID) async {
        guard let connection = connections[peer] else { return }
        do { try await connection.send(message) } catch { logger.info("send failed", metadata: ["peer": "\(peer)", "error": "\(error)"]) }
    }

    /// Dials `peer` and returns once the hello is done (or throws CLN's connect errors).
    func connect(to peer: NodeID, host: String, port: Int) async throws(RPCError) {
        if peer == id { throw RPCError(RPCError.connectAllAddressesFailed, "Connection to self") }
        let before = connectionGeneration[peer, default: 0]
        let channel: PeerChannel
        do { channel = try await PeerWire.dial(host: host, port: port) } catch {
            throw RPCError(RPCError.connectAllAddressesFailed, "Unable to connect, no address known for peer? \(host):\(port): \(error)")
        }
        Task { await self.serve(channel, expected: peer, dialed: (host, port)) }
        for _ in 0..<200 {
            if connectionGeneration[peer, default: 0] > before { return }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        throw RPCError(RPCError.connectAllAddressesFailed, "\(host):\(port): the peer did not complete the hello")
    }

    /// Channel peers we lost: the node with the smaller id dials again (one side only, so there is one connection).
    private func reconnect() async {
        guard let peers = try? database.readNow({ db in
            try Row.fetchAll(
                db, sql: "SELECT node_id, host, port FROM ln_peers WHERE node_id IN (SELECT peer_id FROM ln_channels)")
        }) else { return }
        for row in peers {
            let peer = NodeID(storedBytes: row["node_id"])
            guard connections[peer] == nil, id < peer else { continue }
            let host: String = row["host"]
            let port: Int = row["port"]
            if let channel = try? await PeerWire.dial(host: host, port: port) {
                Task { await self.serve(channel, expected: peer, dialed: (host, port)) }
            }
        }
    }

    /// Waits for the reply a peer sends to `key` (a temporary channel id), at most `seconds`.
    func awaitReply(_ key: String, seconds: UInt64 = 15) async throws -> PeerMessage {
        let timeout = Task {
            try await Task.sleep(nanoseconds: seconds * 1_000_000_000)
            await self.resumeReply(key, with: .failure(NodeError.peerProtocol("no reply from the peer")))
        }
        defer { timeout.cancel() }
        if let early = earlyReplies.removeValue(forKey: key) { return early }
        return try await withCheckedThrowingContinuation { continuation in replyWaiters[key] = continuation }
    }

    func resumeReply(_ key: String, with result: Result<PeerMessage, any Error>) {
        if let waiter = replyWaiters.removeValue(forKey: key) {
            waiter.resume(with: result)
        } else if case .success(let message) = result {
            earlyReplies[key] = message
        }
    }

    func handle(_ message: PeerMessage, from connection: PeerConnection) async {
        do {
            switch message {
            case .hello, .helloProof: throw NodeError.peerProtocol("unexpected hello")
            case .openChannel(let open): try await acceptOpen(open, from: connection.peer)
            case .acceptChannel(let accept): resumeReply(accept.temporaryChannelId, with: .success(message))
            case .fundingCreated(let created): try await acceptFunding(created, from: connection.peer)
            case .fundingSigned(let signed): resumeReply(signed.channelId, with: .success(message))
            case .channelAnnouncement(let announcement): try await learn(announcement)
            case .addHTLC(let add): try await receiveAdd(add, from: connection.peer)
            case .fulfillHTLC(let fulfill): try await receiveFulfill(fulfill, from: connection.peer)
            case .failHTLC(let fail): try await receiveFail(fail, from: connection.peer)
            case .ack(let ack): try receiveAck(ack, from: connection.peer)
            case .error(let error):
                logger.warning("peer reported an error", metadata: ["peer": "\(connection.peer)", "message": "\(error.message)"])
                for key in replyWaiters.keys { resumeReply(key, with: .failure(NodeError.peerProtocol(error.message))) }
            }
        } catch {
            logger.warning("peer message refused", metadata: ["peer": "\(connection.peer)", "error": "\(error)"])
            try? await connection.send(.error(.init(message: "\(error)")))
        }
    }

    // MARK: Chain

    /// Follows fm-regtest (or bitcoind) block by block: wallet coins, funding confirmations, channel lock-in.
    func scanChain() async throws {
        let tip = try await bitcoin.getBlockCount()
        var scanned = try database.readNow { db in try Int.fetchOne(db, sql: "SELECT scan_height FROM ln_state") ?? -1 }
        while scanned < tip {
            let height = scanned + 1
            let block = try await bitcoin.getBlock(hash: try await bitcoin.getBlockHash(height: height))
            try connect(block, height: height)
            scanned = height
        }
        blockHeight = tip
        try lockInChannels()
        try await announceOwnChannels()
        try await expireHeldHTLCs()
    }

    private func connect(_ block: Block, height: Int) throws {
        let scripts = walletScripts
        try database.writeNow { db in
            for (position, transaction) in block.transactions.enumerated() {
                let txid = transaction.txid
                for input in transaction.inputs {
                    try db.execute(
                        sql: "DELETE FROM ln_utxos WHERE txid = ? AND vout = ?",
                        arguments: [input.previousOutput.txid.bytes, input.previousOutput.index])
                }
                for (vout, output) in transaction.outputs.enumerated() where scripts[output.scriptPubKey] != nil {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ln_utxos (txid, vout, value, script, height, spent_by) VALUES (?, ?, ?, ?, ?, NULL)",
                        arguments: [txid.bytes, vout, try output.value.storedInteger("value"), output.scriptPubKey.bytes, height])
                }
                for row in try Row.fetchAll(
                    db, sql: "SELECT channel_id, funding_vout, funding_sat FROM ln_channels WHERE funding_txid = ? AND short_channel_id IS NULL",
                    arguments: [txid.bytes])
                {
                    let vout: Int = row["funding_vout"]
                    guard vout < transaction.outputs.count, transaction.outputs[vout].value == (try row.amount("funding_sat")) else {
                        continue
                    }
                    try db.execute(
                        sql: "UPDATE ln_channels SET short_channel_id = ?, funding_raw = NULL WHERE channel_id = ?",
                        arguments: ["\(height)x\(position)x\(vout)", row["channel_id"] as String])
                }
            }
            try db.execute(sql: "UPDATE ln_state SET scan_height = ?", arguments: [height])
        }
    }

    /// Channels whose funding output is deep enough become usable.
    private func lockInChannels() throws {
        let confirmations = configuration.fundingConfirmations
        let tip = blockHeight
        try database.writeNow { db in
            for row in try Row.fetchAll(
                db, sql: "SELECT channel_id, short_channel_id FROM ln_channels WHERE state = ? AND short_channel_id IS NOT NULL",
                arguments: [ChannelState.awaitingLockin])
            {
                let scid: String = row["short_channel_id"]
                guard let fundingHeight = ShortChannelID.blockHeight(scid), tip - fundingHeight + 1 >= confirmations else { continue }
                try db.execute(sql: "UPDATE ln_channels SET state = ? WHERE channel_id = ?", arguments: [ChannelState.normal, row["channel_id"] as String])
            }
        }
    }
}

/// Core Lightning's channel state names (the subset this node goes through).
enum ChannelState {
    static let opening = "OPENINGD"
    static let awaitingLockin = "CHANNELD_AWAITING_LOCKIN"
    static let normal = "CHANNELD_NORMAL"
}

enum ShortChannelID {
    /// The block height of `BLOCKxTXxOUT`.
    static func blockHeight(_ text: String) -> Int? {
        text.split(separator: "x").first.flatMap { Int($0) }
    }

    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) && UInt32($0) != nil }
    }
}
