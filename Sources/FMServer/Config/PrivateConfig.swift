import FMCore

/// This guardian's secrets: consensus signing key, TLS key, and each module's private config (the mint's key
/// shares). Written with mode 0600 (``GuardianConfigDirectory``); never logged, never served.
public struct PrivateConfig: Codable, Hashable, Sendable {
    public struct Module: Codable, Hashable, Sendable {
        public var instance: ModuleInstanceID
        public var config: JSONValue

        public init(instance: ModuleInstanceID, config: JSONValue) {
            self.instance = instance
            self.config = config
        }
    }

    /// The secp256k1 secret key of the consensus vote signatures, as hex.
    public var consensusSecretKey: String
    /// The raw P-256 TLS private key, as hex.
    public var tlsPrivateKey: String
    public var modules: [Module]

    public init(consensusSecretKey: String, tlsPrivateKey: String, modules: [Module]) {
        self.consensusSecretKey = consensusSecretKey
        self.tlsPrivateKey = tlsPrivateKey
        self.modules = modules
    }

    public func module(_ instance: ModuleInstanceID) -> JSONValue? { modules.first { $0.instance == instance }?.config }
}
