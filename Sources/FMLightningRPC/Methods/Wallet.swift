/// `newaddr`: a fresh on-chain address of the node's wallet.
public struct NewaddrRequest: LightningRPCMethod, Equatable {
    public static let method = "newaddr"
    public typealias Response = NewaddrResponse
    /// "bech32" (default), "p2tr" or "all".
    public var addresstype: String?
    public init(addresstype: String? = nil) { self.addresstype = addresstype }
}

public struct NewaddrResponse: Codable, Sendable, Equatable {
    public var bech32: String?
    public var p2tr: String?
    public init(bech32: String?, p2tr: String? = nil) {
        self.bech32 = bech32
        self.p2tr = p2tr
    }
}

/// `listfunds`: on-chain outputs and channel balances.
public struct ListfundsRequest: LightningRPCMethod, Equatable {
    public static let method = "listfunds"
    public typealias Response = ListfundsResponse
    public var spent: Bool?
    public init(spent: Bool? = nil) { self.spent = spent }
}

public struct ListfundsResponse: Codable, Sendable, Equatable {
    public struct Output: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable, Equatable {
            case unconfirmed, confirmed, spent, immature
        }

        public var txid: String
        public var output: UInt32
        public var amount_msat: UInt64
        public var scriptpubkey: String
        public var address: String?
        public var status: Status
        public var reserved: Bool
        public var blockheight: UInt32?

        public init(
            txid: String, output: UInt32, amount_msat: UInt64, scriptpubkey: String, address: String?, status: Status,
            reserved: Bool, blockheight: UInt32?
        ) {
            self.txid = txid
            self.output = output
            self.amount_msat = amount_msat
            self.scriptpubkey = scriptpubkey
            self.address = address
            self.status = status
            self.reserved = reserved
            self.blockheight = blockheight
        }
    }

    public struct Channel: Codable, Sendable, Equatable {
        public var peer_id: String
        public var our_amount_msat: UInt64
        public var amount_msat: UInt64
        public var funding_txid: String
        public var funding_output: UInt32
        public var connected: Bool
        public var state: String
        public var channel_id: String?
        public var short_channel_id: String?

        public init(
            peer_id: String, our_amount_msat: UInt64, amount_msat: UInt64, funding_txid: String,
            funding_output: UInt32, connected: Bool, state: String, channel_id: String?, short_channel_id: String?
        ) {
            self.peer_id = peer_id
            self.our_amount_msat = our_amount_msat
            self.amount_msat = amount_msat
            self.funding_txid = funding_txid
            self.funding_output = funding_output
            self.connected = connected
            self.state = state
            self.channel_id = channel_id
            self.short_channel_id = short_channel_id
        }
    }

    public var outputs: [Output]
    public var channels: [Channel]
    public init(outputs: [Output], channels: [Channel]) {
        self.outputs = outputs
        self.channels = channels
    }
}
