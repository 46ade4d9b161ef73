import FMCore

/// The Lightning module's client API methods, served as `ln/<name>` (docs/rpc.md).
public enum LightningAPI {
    /// `ln/consensus_time`: the federation's agreed time, unix seconds (0 before any vote).
    public static let consensusTime = "consensus_time"
    /// `ln/contract`: a contract's state by id.
    public static let contract = "contract"
    /// `ln/decryption_share`: this guardian's decryption share of a funded incoming contract (LNv2-style: served on
    /// request, not agreed in consensus).
    public static let decryptionShare = "decryption_share"
    /// `ln/await_decryption_share`: `decryption_share` as a long poll: answered as soon as this guardian committed the
    /// contract's funding, or `unknown_contract` after ``awaitLimit`` (ask again).
    public static let awaitDecryptionShare = "await_decryption_share"
    /// The longest `ln/await_decryption_share` waits; a client's call allows a little more (``awaitCallTimeout``).
    public static let awaitLimit: Duration = .seconds(20)
    public static let awaitCallTimeout: Duration = .seconds(30)
    /// `ln/contracts_by_key`: the contracts whose user key (an outgoing contract's refund key, an incoming one's claim
    /// key) is one of the given.
    public static let contractsByKey = "contracts_by_key"
    /// At most this many keys per `ln/contracts_by_key` call.
    public static let maxKeysPerCall = 100
    /// `ln/announce_gateway`: a gateway posts its signed announcement.
    public static let announceGateway = "announce_gateway"
    /// `ln/gateways`: the unexpired announcements this guardian holds.
    public static let gateways = "gateways"

    public struct ConsensusTimeResult: Codable, Sendable, Equatable {
        public let seconds: UInt64
        public init(seconds: UInt64) { self.seconds = seconds }
    }

    public struct ContractParams: Codable, Sendable {
        public let contractId: Hash256
        public init(contractId: Hash256) { self.contractId = contractId }
    }

    /// A contract's state: `funded`, `claimed` (with the preimage for outgoing contracts) or `refunded`.
    public struct ContractResult: Codable, Sendable, Equatable {
        public let contractId: Hash256
        public let state: ContractState
        public let amountMsat: UInt64
        /// Hex of the preimage the gateway revealed when it claimed an outgoing contract.
        public let preimage: String?

        public init(contractId: Hash256, state: ContractState, amountMsat: UInt64, preimage: String?) {
            self.contractId = contractId
            self.state = state
            self.amountMsat = amountMsat
            self.preimage = preimage
        }
    }

    public struct DecryptionShareResult: Codable, Sendable, Equatable {
        /// Hex of the 96-byte G2 share.
        public let share: String
        public init(share: String) { self.share = share }
    }

    public struct ContractsByKeyParams: Codable, Sendable {
        /// Hex of x-only keys.
        public let keys: [String]
        public init(keys: [String]) { self.keys = keys }
    }

    public struct KeyedContract: Codable, Sendable, Equatable {
        /// Hex of the contract's canonical bytes (an ``OutgoingContract`` or an ``IncomingContract``).
        public let contract: String
        public let state: ContractState
        public init(contract: String, state: ContractState) {
            self.contract = contract
            self.state = state
        }
    }

    public struct ContractsByKeyResult: Codable, Sendable, Equatable {
        public let contracts: [KeyedContract]
        public init(contracts: [KeyedContract]) { self.contracts = contracts }
    }

    public struct AnnounceParams: Codable, Sendable {
        /// Hex of a ``SignedGatewayAnnouncement``'s canonical bytes.
        public let announcement: String
        public init(announcement: String) { self.announcement = announcement }
    }

    public struct AnnounceResult: Codable, Sendable, Equatable {
        public let expiresAt: UInt64
        public init(expiresAt: UInt64) { self.expiresAt = expiresAt }
    }

    public struct GatewaysResult: Codable, Sendable, Equatable {
        /// Hex of each ``SignedGatewayAnnouncement``, ordered by gateway key.
        public let gateways: [String]
        public init(gateways: [String]) { self.gateways = gateways }
    }
}

/// Where a contract stands in the federation's state.
public enum ContractState: String, Codable, Sendable, Equatable {
    case funded, claimed, refunded
}
