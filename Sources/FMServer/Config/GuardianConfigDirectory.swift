import FMCore
import Foundation

/// One guardian's configs on disk: `consensus.json` (public, identical at every guardian), `local.json`,
/// `private.json` (mode 0600) and `client.json` (what clients download, for convenience).
public struct GuardianConfigDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static let consensusFile = "consensus.json"
    public static let localFile = "local.json"
    public static let privateFile = "private.json"
    public static let clientFile = "client.json"

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// The database path from `local`, resolved against this directory.
    public func databasePath(_ local: LocalConfig) -> String {
        local.databasePath.hasPrefix("/") ? local.databasePath : file(local.databasePath)
    }

    public func save(_ configs: GuardianConfigs, modules: ModuleRegistry) throws {
        try AtomicFile.createPrivateDirectory(path)
        let encoder = JSONConventions.encoder(pretty: true)
        try AtomicFile.write(try encoder.encode(configs.consensus), to: file(Self.consensusFile), mode: AtomicFile.publicMode)
        try AtomicFile.write(try encoder.encode(configs.local), to: file(Self.localFile), mode: AtomicFile.publicMode)
        try AtomicFile.write(try encoder.encode(configs.private), to: file(Self.privateFile), mode: AtomicFile.secretMode)
        try AtomicFile.write(
            try encoder.encode(try configs.consensus.clientConfig(modules: modules)), to: file(Self.clientFile),
            mode: AtomicFile.publicMode)
    }

    public func load() throws -> GuardianConfigs {
        GuardianConfigs(
            consensus: try read(ConsensusConfig.self, Self.consensusFile),
            local: try read(LocalConfig.self, Self.localFile),
            private: try read(PrivateConfig.self, Self.privateFile))
    }

    private func read<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: file(name)) else { throw ConfigError.missingFile(file(name)) }
        return try JSONConventions.decode(type, from: data, what: name)
    }
}

/// The three configs of one guardian.
public struct GuardianConfigs: Hashable, Sendable {
    public var consensus: ConsensusConfig
    public var local: LocalConfig
    public var `private`: PrivateConfig

    public init(consensus: ConsensusConfig, local: LocalConfig, private: PrivateConfig) {
        self.consensus = consensus
        self.local = local
        self.private = `private`
    }
}
