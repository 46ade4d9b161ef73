import FMCore
import FMEncoding
import FMSecp256k1
import FMServerCore
import FMSetup

/// The federation's public configuration, identical at every guardian (BRIEF §4).
///
/// Its canonical encoding (``canonicalBytes(modules:)``) is hashed into the ``FederationID``; that encoding is
/// defined here and nowhere else. Module configs are opaque JSON to this type: only the module's
/// ``ServerModuleInit`` knows their structure and their canonical encoding.
public struct ConsensusConfig: Codable, Hashable, Sendable {
    public static let currentVersion = 1

    /// One guardian: exactly the public fields of its ``SetupCode``, plus its peer id.
    public struct Peer: Codable, Hashable, Sendable {
        public var peerId: PeerID
        public var name: String
        public var p2pUrl: String
        public var apiUrl: String
        /// The DER X.509 certificate its peers pin, as hex.
        public var tlsCertificate: String
        /// The x-only secp256k1 key that signs its consensus votes, as hex.
        public var consensusPublicKey: String

        public init(peerId: PeerID, setupCode: SetupCode) {
            self.peerId = peerId
            name = setupCode.name
            p2pUrl = setupCode.p2pUrl
            apiUrl = setupCode.apiUrl
            tlsCertificate = setupCode.tlsCertificate
            consensusPublicKey = setupCode.consensusPublicKey
        }

        /// The setup code this guardian published (to validate its fields the same way fm-dkg does).
        public func setupCode() throws -> SetupCode {
            try JSONValue.object([
                "version": .integer(Int64(SetupCode.currentVersion)), "name": .string(name), "p2p_url": .string(p2pUrl),
                "api_url": .string(apiUrl), "tls_certificate": .string(tlsCertificate),
                "consensus_public_key": .string(consensusPublicKey),
            ]).decode(SetupCode.self)
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

    /// Checks the structural rules every guardian relies on.
    public func validate(modules registry: ModuleRegistry) throws(ConfigError) {
        guard version == Self.currentVersion else { throw .invalid("consensus config version \(version) is not supported") }
        guard !peers.isEmpty, peers.map(\.peerId) == (0..<peers.count).map({ PeerID(UInt16($0)) }) else {
            throw .invalid("the guardians must be numbered 0 ..< n in order")
        }
        guard threshold >= 1, threshold <= peers.count else {
            throw .invalid("threshold \(threshold) is not between 1 and the \(peers.count) guardians")
        }
        for peer in peers {
            do { _ = try peer.setupCode().validated() } catch { throw .invalid("\(peer.peerId): \(error)") }
        }
        guard Set(modules.map(\.instance)).count == modules.count else { throw .invalid("two modules share an instance id") }
        for module in modules where registry.moduleInit(for: module.kind) == nil {
            throw .unknownModuleKind(module.kind)
        }
    }

    /// The one canonical encoding of the consensus config (version 1): version, peers (id, name, URLs, certificate
    /// DER, consensus key), threshold, modules (instance, kind, the module's canonical config), dev mode.
    public func canonicalBytes(modules registry: ModuleRegistry) throws(ConfigError) -> [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(UInt64(version))
        encoder.writeVarint(UInt64(peers.count))
        for peer in peers {
            guard let certificate = Hex.decode(peer.tlsCertificate), let key = Hex.decode(peer.consensusPublicKey) else {
                throw .invalid("\(peer.peerId) has a certificate or consensus key that is not hex")
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
            guard let moduleInit = registry.moduleInit(for: module.kind) else { throw .unknownModuleKind(module.kind) }
            let bytes: [UInt8]
            do { bytes = try moduleInit.canonicalConsensusBytes(module.config) } catch {
                throw .invalid("\(module.kind) config of \(module.instance): \(error)")
            }
            encoder.write(module.instance)
            encoder.writeBytes(Array(module.kind.rawValue.utf8))
            encoder.writeBytes(bytes)
        }
        encoder.write(devMode)
        return encoder.bytes
    }

    /// SHA-256 of ``canonicalBytes(modules:)``: the federation's one stable name.
    public func federationID(modules registry: ModuleRegistry) throws(ConfigError) -> FederationID {
        FederationID(Hash256.sha256(try canonicalBytes(modules: registry)))
    }

    /// What clients download with `client_config`.
    public func clientConfig(modules registry: ModuleRegistry) throws(ConfigError) -> ClientConfig {
        var clientModules: [ClientConfig.Module] = []
        for module in modules {
            guard let moduleInit = registry.moduleInit(for: module.kind) else { throw .unknownModuleKind(module.kind) }
            do {
                clientModules.append(
                    ClientConfig.Module(
                        instance: module.instance, kind: module.kind,
                        config: try moduleInit.clientConfig(fromConsensus: module.config)))
            } catch { throw .invalid("\(module.kind) config of \(module.instance): \(error)") }
        }
        return ClientConfig(
            federationId: try federationID(modules: registry), threshold: threshold,
            peers: peers.map { ClientConfig.Peer(peerId: $0.peerId, name: $0.name, apiUrl: $0.apiUrl) },
            modules: clientModules, devMode: devMode)
    }

    /// The peers' consensus keys, for verifying votes.
    public func consensusKeys() throws(ConfigError) -> [PeerID: XOnlyPublicKey] {
        var keys: [PeerID: XOnlyPublicKey] = [:]
        for peer in peers {
            guard let raw = Hex.decode(peer.consensusPublicKey), let key = try? XOnlyPublicKey(rawRepresentation: raw) else {
                throw .invalid("\(peer.peerId) has a malformed consensus public key")
            }
            keys[peer.peerId] = key
        }
        return keys
    }
}

/// What is wrong with a guardian's configuration.
public enum ConfigError: ReportableError, Equatable {
    case invalid(String)
    case unknownModuleKind(ModuleKind)
    case missingFile(String)
    case mismatch(String)

    public var category: FailureCategory { .badInput }
    public var code: String {
        switch self {
        case .invalid: "invalid_config"
        case .unknownModuleKind: "unknown_module_kind"
        case .missingFile: "missing_config_file"
        case .mismatch: "config_mismatch"
        }
    }
    public var description: String {
        switch self {
        case .invalid(let what): "invalid configuration: \(what)"
        case .unknownModuleKind(let kind): "this fm-node does not support module kind \"\(kind)\""
        case .missingFile(let path): "configuration file \(path) is missing"
        case .mismatch(let what): "configuration files do not belong together: \(what)"
        }
    }
}
