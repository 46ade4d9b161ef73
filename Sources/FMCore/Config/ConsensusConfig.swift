import FMEncoding

/// The federation's public configuration, identical at every guardian (BRIEF §4) and served to clients as
/// `consensus_config`.
///
/// Its canonical encoding (``canonicalBytes(codecs:)``) is hashed into the ``FederationID``; that encoding is
/// defined here and nowhere else, so guardians and joining clients compute the same id. Module configs are opaque
/// JSON to this type: only the module's ``ModuleConfigCodec`` knows their structure and canonical encoding.
public struct ConsensusConfig: Codable, Hashable, Sendable {
    public static let currentVersion = 1

    /// One guardian: exactly the public fields of its setup code, plus its peer id.
    public struct Peer: Codable, Hashable, Sendable {
        public var peerId: PeerID
        public var name: String
        public var p2pUrl: String
        public var apiUrl: String
        /// The DER X.509 certificate its peers pin, as hex.
        public var tlsCertificate: String
        /// The x-only secp256k1 key that signs its consensus votes, as hex.
        public var consensusPublicKey: String

        public init(
            peerId: PeerID, name: String, p2pUrl: String, apiUrl: String, tlsCertificate: String,
            consensusPublicKey: String
        ) {
            self.peerId = peerId
            self.name = name
            self.p2pUrl = p2pUrl
            self.apiUrl = apiUrl
            self.tlsCertificate = tlsCertificate
            self.consensusPublicKey = consensusPublicKey
        }
    }

    /// One module instance and its consensus config (interpreted only by the module).
    public struct Module: Codable, Hashable, Sendable {
        public var instance: ModuleInstanceID
        public var kind: ModuleKind
        public var config: JSONValue

        public init(instance: ModuleInstanceID, kind: ModuleKind, config: JSONValue) {
            self.instance = instance
            self.kind = kind
            self.config = config
        }
    }

    public var version: Int
    /// Every guardian, ordered by peer id, which must be 0 ..< n.
    public var peers: [Peer]
    public var threshold: Int
    public var modules: [Module]
    /// A dev-mode federation accepts e-cash created from nothing (dev-issue); never for real money.
    public var devMode: Bool

    public init(peers: [Peer], threshold: Int, modules: [Module], devMode: Bool) {
        version = Self.currentVersion
        self.peers = peers
        self.threshold = threshold
        self.modules = modules
        self.devMode = devMode
    }

    public var peerIDs: [PeerID] { peers.map(\.peerId) }

    /// The one canonical encoding of the consensus config (version 1, docs/protocol.md §8): version, peers (id,
    /// name, URLs, certificate DER, consensus key), threshold, modules (instance, kind, the module's canonical
    /// config), dev mode.
    public func canonicalBytes(codecs: ModuleConfigCodecs) throws(ConsensusConfigError) -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(version))
        encoder.writeVarint(UInt64(peers.count))
        for peer in peers {
            guard let certificate = Hex.decode(peer.tlsCertificate), let key = Hex.decode(peer.consensusPublicKey) else {
                throw .notHex(peer.peerId)
            }
            encoder.write(peer.peerId)
            encoder.writeBytes(Array(peer.name.utf8))
            encoder.writeBytes(Array(peer.p2pUrl.utf8))
            encoder.writeBytes(Array(peer.apiUrl.utf8))
            encoder.writeBytes(certificate)
            encoder.writeBytes(key)
        }
        encoder.writeVarint(UInt64(threshold))
        encoder.writeVarint(UInt64(modules.count))
        for module in modules {
            let bytes = try Self.moduleStep(module, codecs) { try $0.canonicalConsensusBytes(module.config) }
            encoder.write(module.instance)
            encoder.writeBytes(Array(module.kind.rawValue.utf8))
            encoder.writeBytes(bytes)
        }
        encoder.write(devMode)
        return encoder.bytes
    }

    /// SHA-256 of ``canonicalBytes(codecs:)``: the federation's one stable name.
    public func federationID(codecs: ModuleConfigCodecs) throws(ConsensusConfigError) -> FederationID {
        FederationID(Hash256.sha256(try canonicalBytes(codecs: codecs)))
    }

    /// The client config derived from this consensus config: what guardians serve as `client_config` and what a
    /// joining client stores.
    public func clientConfig(codecs: ModuleConfigCodecs) throws(ConsensusConfigError) -> ClientConfig {
        var clientModules: [ClientConfig.Module] = []
        for module in modules {
            let config = try Self.moduleStep(module, codecs) { try $0.clientConfig(fromConsensus: module.config) }
            clientModules.append(ClientConfig.Module(instance: module.instance, kind: module.kind, config: config))
        }
        return ClientConfig(
            federationId: try federationID(codecs: codecs), threshold: threshold,
            peers: peers.map {
                ClientConfig.Peer(peerId: $0.peerId, name: $0.name, apiUrl: $0.apiUrl, consensusPublicKey: $0.consensusPublicKey)
            },
            modules: clientModules, devMode: devMode)
    }

    /// Runs `step` with the module's codec, turning a missing codec or a malformed module config into a typed error.
    private static func moduleStep<T>(
        _ module: Module, _ codecs: ModuleConfigCodecs, _ step: (any ModuleConfigCodec) throws -> T
    ) throws(ConsensusConfigError) -> T {
        guard let codec = codecs.codec(for: module.kind) else { throw .unknownModuleKind(module.kind) }
        do { return try step(codec) } catch {
            throw .invalidModuleConfig(kind: module.kind, instance: module.instance, reason: "\(error)")
        }
    }
}

/// Why a consensus config cannot be encoded (and so has no federation id).
public enum ConsensusConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    case notHex(PeerID)
    case unknownModuleKind(ModuleKind)
    case invalidModuleConfig(kind: ModuleKind, instance: ModuleInstanceID, reason: String)

    public var description: String {
        switch self {
        case .notHex(let peer): "\(peer) has a certificate or consensus key that is not hex"
        case .unknownModuleKind(let kind): "module kind \"\(kind)\" is not supported"
        case .invalidModuleConfig(let kind, let instance, let reason): "\(kind) config of \(instance): \(reason)"
        }
    }
}
