import FMCore
import FMSecp256k1
import FMServerCore
import FMSetup

/// The guardian's side of ``ConsensusConfig`` (defined with its canonical encoding in FMCore, where clients share
/// it): building it from setup codes, validating it, and encoding it with this guardian's ``ModuleRegistry``.
extension ConsensusConfig.Peer {
    public init(peerId: PeerID, setupCode: SetupCode) {
        self.init(
            peerId: peerId, name: setupCode.name, p2pUrl: setupCode.p2pUrl, apiUrl: setupCode.apiUrl,
            tlsCertificate: setupCode.tlsCertificate, consensusPublicKey: setupCode.consensusPublicKey)
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

extension ConsensusConfig {
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

    /// ``canonicalBytes(codecs:)`` with the codecs of this guardian's modules.
    public func canonicalBytes(modules registry: ModuleRegistry) throws(ConfigError) -> [UInt8] {
        do { return try canonicalBytes(codecs: registry.configCodecs) } catch { throw ConfigError(error) }
    }

    /// ``federationID(codecs:)`` with the codecs of this guardian's modules.
    public func federationID(modules registry: ModuleRegistry) throws(ConfigError) -> FederationID {
        do { return try federationID(codecs: registry.configCodecs) } catch { throw ConfigError(error) }
    }

    /// What clients download with `client_config`: ``clientConfig(codecs:)`` with this guardian's modules.
    public func clientConfig(modules registry: ModuleRegistry) throws(ConfigError) -> ClientConfig {
        do { return try clientConfig(codecs: registry.configCodecs) } catch { throw ConfigError(error) }
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
    init(_ error: ConsensusConfigError) {
        switch error {
        case .unknownModuleKind(let kind): self = .unknownModuleKind(kind)
        case .notHex, .invalidModuleConfig: self = .invalid(error.description)
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
