import FMEncoding

/// What a client needs to use a federation, served by every guardian as
/// `client_config` and checked by the client against the federation id.
public struct ClientConfig: Codable, Hashable, Sendable {
    public struct Peer: Codable, Hashable, Sendable {
        public var peerId: PeerID
        public var name: String
        public var apiUrl: String
        /// The guardian's consensus key (x-only, hex): what its signed API URL announcements are checked against
        /// (``APIAnnouncement``). Absent in configs stored before it was served: such a client ignores announcements.
        public var consensusPublicKey: String?

        public init(peerId: PeerID, name: String, apiUrl: String, consensusPublicKey: String? = nil) {
            self.peerId = peerId
            self.name = name
            self.apiUrl = apiUrl
            self.consensusPublicKey = consensusPublicKey
        }
    }

    public struct Module: Codable, Hashable, Sendable {
        public var instance: ModuleInstanceID
        public var kind: ModuleKind
        /// The module's client config; only the module's client code interprets it.
        public var config: JSONValue

        public init(instance: ModuleInstanceID, kind: ModuleKind, config: JSONValue) {
            self.instance = instance
            self.kind = kind
            self.config = config
        }
    }

    public var federationId: FederationID
    public var threshold: Int
    public var peers: [Peer]
    public var modules: [Module]
    /// A dev-mode federation accepts e-cash from the dev faucet; never for real money.
    public var devMode: Bool

    public init(federationId: FederationID, threshold: Int, peers: [Peer], modules: [Module], devMode: Bool) {
        self.federationId = federationId
        self.threshold = threshold
        self.peers = peers
        self.modules = modules
        self.devMode = devMode
    }

    public var size: FederationSize { FederationSize(peers.count) }

    public func module(kind: ModuleKind) -> Module? { modules.first { $0.kind == kind } }
}

/// The hash of a federation's consensus config: its one stable name.
public struct FederationID: Hashable, Sendable, Codable, CanonicalCodable, CustomStringConvertible {
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    public var description: String { hash.hex }

    public init(from decoder: any Decoder) throws { hash = try Hash256(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try hash.encode(to: encoder) }
    public func encode(to encoder: inout CanonicalEncoder) { encoder.write(hash) }
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) { hash = try decoder.read() }
}
