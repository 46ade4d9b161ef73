import Foundation

/// The node-to-node protocol of fm-ln-regtest: the project's own, not BOLT 2/8 (docs/lightning-regtest.md).
/// Each message is one JSON object `{"type": ..., "body": {...}}` in a frame (4-byte big-endian length, then the JSON).
/// Binary values are hex; amounts integer msat or sat as named.
enum PeerMessage: Sendable, Equatable {
    /// First message each way: who I am, where I listen, and a fresh challenge for the other side.
    case hello(Hello)
    /// Second message each way: the signature over the other side's challenge.
    case helloProof(HelloProof)
    case openChannel(OpenChannel)
    case acceptChannel(AcceptChannel)
    case fundingCreated(FundingCreated)
    case fundingSigned(FundingSigned)
    /// A channel the sender knows of (gossip), flooded to every peer once.
    case channelAnnouncement(ChannelAnnouncement)
    case addHTLC(AddHTLC)
    case fulfillHTLC(FulfillHTLC)
    case failHTLC(FailHTLC)
    /// The receiver stored an add (`resolution == false`) or a fulfill/fail (`true`) and will not need it again.
    case ack(Ack)
    case error(ErrorMessage)

    struct Hello: Codable, Sendable, Equatable {
        var nodeId: NodeID
        var listenPort: Int
        var challenge: String
    }

    struct HelloProof: Codable, Sendable, Equatable { var signature: String }

    struct OpenChannel: Codable, Sendable, Equatable {
        var temporaryChannelId: String
        var fundingSat: UInt64
        var fundingPubkey: String
    }

    struct AcceptChannel: Codable, Sendable, Equatable {
        var temporaryChannelId: String
        var fundingPubkey: String
    }

    struct FundingCreated: Codable, Sendable, Equatable {
        var temporaryChannelId: String
        var fundingTxid: String
        var fundingOutput: UInt32
    }

    struct FundingSigned: Codable, Sendable, Equatable { var channelId: String }

    /// One direction of a channel: `source` forwards to `destination` for this fee and CLTV delta.
    struct ChannelAnnouncement: Codable, Sendable, Equatable {
        var shortChannelId: String
        var source: NodeID
        var destination: NodeID
        var capacitySat: UInt64
        var feeBaseMsat: UInt64
        var feePpm: UInt64
        var cltvDelta: UInt64
    }

    struct AddHTLC: Codable, Sendable, Equatable {
        var channelId: String
        var htlcId: UInt64
        var amountMsat: UInt64
        var paymentHash: String
        var cltvExpiry: UInt64
        var onion: Onion
    }

    struct FulfillHTLC: Codable, Sendable, Equatable {
        var channelId: String
        var htlcId: UInt64
        var preimage: String
    }

    struct FailHTLC: Codable, Sendable, Equatable {
        var channelId: String
        var htlcId: UInt64
        var failure: HTLCFailure
    }

    struct Ack: Codable, Sendable, Equatable {
        var channelId: String
        var htlcId: UInt64
        var resolution: Bool
    }

    struct ErrorMessage: Codable, Sendable, Equatable { var message: String }
}

/// What a hop needs to forward or accept an HTLC. Plain JSON, not an encrypted onion: every hop sees the rest of the route.
struct Onion: Codable, Sendable, Equatable {
    struct Hop: Codable, Sendable, Equatable {
        var shortChannelId: String
        var amountMsat: UInt64
        var cltvExpiry: UInt64
    }

    /// The hops after the receiver of this HTLC; empty at the destination.
    var next: [Hop]
    var paymentSecret: String?
    var totalMsat: UInt64
}

/// Why an HTLC failed, with BOLT 4's failure names and the channel that refused it.
struct HTLCFailure: Codable, Sendable, Equatable {
    var code: String
    var erringChannel: String?
    var message: String

    static let unknownPaymentDetails = "incorrect_or_unknown_payment_details"
    static let temporaryChannelFailure = "temporary_channel_failure"
    static let unknownNextPeer = "unknown_next_peer"
    static let feeInsufficient = "fee_insufficient"
    static let expiryTooSoon = "expiry_too_soon"
}

extension PeerMessage: Codable {
    private enum Kind: String, Codable {
        case hello, helloProof = "hello_proof", openChannel = "open_channel", acceptChannel = "accept_channel"
        case fundingCreated = "funding_created", fundingSigned = "funding_signed"
        case channelAnnouncement = "channel_announcement", addHTLC = "update_add_htlc"
        case fulfillHTLC = "update_fulfill_htlc", failHTLC = "update_fail_htlc", ack, error
    }

    private enum CodingKeys: String, CodingKey { case type, body }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .hello: self = .hello(try container.decode(Hello.self, forKey: .body))
        case .helloProof: self = .helloProof(try container.decode(HelloProof.self, forKey: .body))
        case .openChannel: self = .openChannel(try container.decode(OpenChannel.self, forKey: .body))
        case .acceptChannel: self = .acceptChannel(try container.decode(AcceptChannel.self, forKey: .body))
        case .fundingCreated: self = .fundingCreated(try container.decode(FundingCreated.self, forKey: .body))
        case .fundingSigned: self = .fundingSigned(try container.decode(FundingSigned.self, forKey: .body))
        case .channelAnnouncement: self = .channelAnnouncement(try container.decode(ChannelAnnouncement.self, forKey: .body))
        case .addHTLC: self = .addHTLC(try container.decode(AddHTLC.self, forKey: .body))
        case .fulfillHTLC: self = .fulfillHTLC(try container.decode(FulfillHTLC.self, forKey: .body))
        case .failHTLC: self = .failHTLC(try container.decode(FailHTLC.self, forKey: .body))
        case .ack: self = .ack(try container.decode(Ack.self, forKey: .body))
        case .error: self = .error(try container.decode(ErrorMessage.self, forKey: .body))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .hello(let body): try container.encode(Kind.hello, forKey: .type); try container.encode(body, forKey: .body)
        case .helloProof(let body): try container.encode(Kind.helloProof, forKey: .type); try container.encode(body, forKey: .body)
        case .openChannel(let body): try container.encode(Kind.openChannel, forKey: .type); try container.encode(body, forKey: .body)
        case .acceptChannel(let body): try container.encode(Kind.acceptChannel, forKey: .type); try container.encode(body, forKey: .body)
        case .fundingCreated(let body): try container.encode(Kind.fundingCreated, forKey: .type); try container.encode(body, forKey: .body)
        case .fundingSigned(let body): try container.encode(Kind.fundingSigned, forKey: .type); try container.encode(body, forKey: .body)
        case .channelAnnouncement(let body):
            try container.encode(Kind.channelAnnouncement, forKey: .type); try container.encode(body, forKey: .body)
        case .addHTLC(let body): try container.encode(Kind.addHTLC, forKey: .type); try container.encode(body, forKey: .body)
        case .fulfillHTLC(let body): try container.encode(Kind.fulfillHTLC, forKey: .type); try container.encode(body, forKey: .body)
        case .failHTLC(let body): try container.encode(Kind.failHTLC, forKey: .type); try container.encode(body, forKey: .body)
        case .ack(let body): try container.encode(Kind.ack, forKey: .type); try container.encode(body, forKey: .body)
        case .error(let body): try container.encode(Kind.error, forKey: .type); try container.encode(body, forKey: .body)
        }
    }
}
