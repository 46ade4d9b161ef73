/// `connect`: connect to a peer, `id` being `nodeid`, `nodeid@host` or `nodeid@host:port`.
public struct ConnectRequest: LightningRPCMethod, Equatable {
    public static let method = "connect"
    public typealias Response = ConnectResponse
    public var id: String
    public var host: String?
    public var port: UInt16?

    public init(id: String, host: String? = nil, port: UInt16? = nil) {
        self.id = id
        self.host = host
        self.port = port
    }
}

public struct ConnectResponse: Codable, Sendable, Equatable {
    public struct Address: Codable, Sendable, Equatable {
        public var type: String
        public var address: String?
        public var port: UInt16?
        public init(type: String, address: String?, port: UInt16?) {
            self.type = type
            self.address = address
            self.port = port
        }
    }

    public var id: String
    public var features: String
    /// "in" or "out".
    public var direction: String
    public var address: Address

    public init(id: String, features: String, direction: String, address: Address) {
        self.id = id
        self.features = features
        self.direction = direction
        self.address = address
    }
}

/// `fundchannel`: open a channel to a connected peer, funded from the node's on-chain wallet.
public struct FundchannelRequest: LightningRPCMethod, Equatable {
    public static let method = "fundchannel"
    public typealias Response = FundchannelResponse
    public var id: String
    public var amount: SatoshiOrAll
    /// e.g. "normal", "urgent", "slow" or "253perkw".
    public var feerate: String?
    public var announce: Bool?
    public var minconf: UInt32?
    public var push_msat: UInt64?
    public var mindepth: UInt32?

    public init(
        id: String, amount: SatoshiOrAll, feerate: String? = nil, announce: Bool? = nil, minconf: UInt32? = nil,
        push_msat: UInt64? = nil, mindepth: UInt32? = nil
    ) {
        self.id = id
        self.amount = amount
        self.feerate = feerate
        self.announce = announce
        self.minconf = minconf
        self.push_msat = push_msat
        self.mindepth = mindepth
    }
}

public struct FundchannelResponse: Codable, Sendable, Equatable {
    public var tx: String
    public var txid: String
    public var outnum: UInt32
    public var channel_id: String
    public var mindepth: UInt32?

    public init(tx: String, txid: String, outnum: UInt32, channel_id: String, mindepth: UInt32?) {
        self.tx = tx
        self.txid = txid
        self.outnum = outnum
        self.channel_id = channel_id
        self.mindepth = mindepth
    }
}

/// `listpeerchannels`: channels with each peer (optionally one peer).
public struct ListpeerchannelsRequest: LightningRPCMethod, Equatable {
    public static let method = "listpeerchannels"
    public typealias Response = ListpeerchannelsResponse
    public var id: String?
    public init(id: String? = nil) { self.id = id }
}

public struct ListpeerchannelsResponse: Codable, Sendable, Equatable {
    public struct Channel: Codable, Sendable, Equatable {
        public struct HTLC: Codable, Sendable, Equatable {
            /// "in" or "out".
            public var direction: String
            public var id: UInt64
            public var amount_msat: UInt64
            public var expiry: UInt32
            public var payment_hash: String
            public var state: String

            public init(direction: String, id: UInt64, amount_msat: UInt64, expiry: UInt32, payment_hash: String, state: String) {
                self.direction = direction
                self.id = id
                self.amount_msat = amount_msat
                self.expiry = expiry
                self.payment_hash = payment_hash
                self.state = state
            }
        }

        public var peer_id: String
        public var peer_connected: Bool
        /// e.g. CHANNELD_AWAITING_LOCKIN, CHANNELD_NORMAL, ONCHAIN.
        public var state: String
        public var short_channel_id: String?
        public var channel_id: String?
        public var funding_txid: String?
        public var funding_outnum: UInt32?
        public var to_us_msat: UInt64?
        public var total_msat: UInt64?
        public var spendable_msat: UInt64?
        public var receivable_msat: UInt64?
        /// "local" or "remote".
        public var opener: String
        public var `private`: Bool?
        public var htlcs: [HTLC]?

        public init(peer_id: String, peer_connected: Bool, state: String, opener: String) {
            self.peer_id = peer_id
            self.peer_connected = peer_connected
            self.state = state
            self.opener = opener
        }
    }

    public var channels: [Channel]
    public init(channels: [Channel]) { self.channels = channels }
}
