// Field names are Core Lightning's own (v26.06.6 doc/schemas), so properties are snake_case on purpose: the same
// types encode requests here and decode them in the regtest node's server.

/// `getinfo`: the node's identity and chain position.
public struct GetinfoRequest: LightningRPCMethod, Equatable {
    public static let method = "getinfo"
    public typealias Response = GetinfoResponse
    public init() {}
}

public struct GetinfoResponse: Codable, Sendable, Equatable {
    public struct Address: Codable, Sendable, Equatable {
        public var type: String
        public var address: String?
        public var port: UInt16
        public init(type: String, address: String?, port: UInt16) {
            self.type = type
            self.address = address
            self.port = port
        }
    }

    public var id: String
    public var alias: String?
    public var color: String
    public var num_peers: UInt32
    public var num_pending_channels: UInt32
    public var num_active_channels: UInt32
    public var num_inactive_channels: UInt32
    public var address: [Address]?
    public var binding: [Address]?
    public var version: String
    public var blockheight: UInt32
    /// bitcoin, testnet, signet or regtest.
    public var network: String
    public var fees_collected_msat: UInt64
    public var lightning_dir: String

    enum CodingKeys: String, CodingKey {
        case id, alias, color, num_peers, num_pending_channels, num_active_channels, num_inactive_channels, address
        case binding, version, blockheight, network, fees_collected_msat
        case lightning_dir = "lightning-dir"
    }

    public init(
        id: String, alias: String?, color: String, num_peers: UInt32, num_pending_channels: UInt32,
        num_active_channels: UInt32, num_inactive_channels: UInt32, address: [Address]?, binding: [Address]?,
        version: String, blockheight: UInt32, network: String, fees_collected_msat: UInt64, lightning_dir: String
    ) {
        self.id = id
        self.alias = alias
        self.color = color
        self.num_peers = num_peers
        self.num_pending_channels = num_pending_channels
        self.num_active_channels = num_active_channels
        self.num_inactive_channels = num_inactive_channels
        self.address = address
        self.binding = binding
        self.version = version
        self.blockheight = blockheight
        self.network = network
        self.fees_collected_msat = fees_collected_msat
        self.lightning_dir = lightning_dir
    }
}

/// `decode`: what lightningd reads from a bolt11 string (fm decodes with FMBolt11 too; this is the node's view).
public struct DecodeRequest: LightningRPCMethod, Equatable {
    public static let method = "decode"
    public typealias Response = DecodeResponse
    public var string: String
    public init(string: String) { self.string = string }
}

public struct DecodeResponse: Codable, Sendable, Equatable {
    public struct Fallback: Codable, Sendable, Equatable {
        public var type: String
        public var addr: String?
        public var hex: String
        public init(type: String, addr: String?, hex: String) {
            self.type = type
            self.addr = addr
            self.hex = hex
        }
    }

    public struct RouteHop: Codable, Sendable, Equatable {
        public var pubkey: String
        public var short_channel_id: String
        public var fee_base_msat: UInt64
        public var fee_proportional_millionths: UInt32
        public var cltv_expiry_delta: UInt32
        public init(
            pubkey: String, short_channel_id: String, fee_base_msat: UInt64, fee_proportional_millionths: UInt32,
            cltv_expiry_delta: UInt32
        ) {
            self.pubkey = pubkey
            self.short_channel_id = short_channel_id
            self.fee_base_msat = fee_base_msat
            self.fee_proportional_millionths = fee_proportional_millionths
            self.cltv_expiry_delta = cltv_expiry_delta
        }
    }

    /// "bolt11 invoice" for the strings fm handles.
    public var type: String
    public var valid: Bool
    public var currency: String?
    public var created_at: UInt64?
    public var expiry: UInt64?
    public var payee: String?
    public var amount_msat: UInt64?
    public var payment_hash: String?
    public var signature: String?
    public var description: String?
    public var description_hash: String?
    public var min_final_cltv_expiry: UInt32?
    public var payment_secret: String?
    public var payment_metadata: String?
    public var features: String?
    public var fallbacks: [Fallback]?
    public var routes: [[RouteHop]]?
    /// Why the string is not valid, when `valid` is false.
    public var warning_invalid_reason: String?

    public init(type: String, valid: Bool) {
        self.type = type
        self.valid = valid
    }
}
