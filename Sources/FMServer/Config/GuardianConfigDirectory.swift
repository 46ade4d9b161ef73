import FMCore
import FMSetup
import Foundation

/// One guardian's configs on disk: `consensus.json` (public, identical at every guardian), `local.json`,
/// `private.json` (mode 0600) and `client.json` (what clients download, for convenience).
///
/// `private.json` holds the guardian's secrets. Saved with a passphrase (fm-dkg always gives one) it is a
/// ``PassphraseSealedBox`` (scrypt + ChaCha20-Poly1305) around the private config's JSON, and ``load(passphrase:)``
/// needs the same passphrase; saved without one (the testing dealer) it is the plain JSON, still mode 0600.
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

    /// Writes every file; `private.json` is sealed under `passphrase` when one is given (see the type's notes).
    public func save(_ configs: GuardianConfigs, modules: ModuleRegistry, passphrase: [UInt8]? = nil) throws {
        try AtomicFile.createPrivateDirectory(path)
        let encoder = JSONConventions.encoder(pretty: true)
        try AtomicFile.write(try encoder.encode(configs.consensus), to: file(Self.consensusFile), mode: AtomicFile.publicMode)
        try AtomicFile.write(try encoder.encode(configs.local), to: file(Self.localFile), mode: AtomicFile.publicMode)
        var privateJSON = try encoder.encode(configs.private)
        defer { privateJSON.resetBytes(in: 0..<privateJSON.count) }
        if let passphrase {
            let box = try PassphraseSealedBox.seal(Array(privateJSON), passphrase: passphrase)
            try AtomicFile.write(try encoder.encode(box), to: file(Self.privateFile), mode: AtomicFile.secretMode)
        } else {
            try AtomicFile.write(privateJSON, to: file(Self.privateFile), mode: AtomicFile.secretMode)
        }
        try AtomicFile.write(
            try encoder.encode(try configs.consensus.clientConfig(modules: modules)), to: file(Self.clientFile),
            mode: AtomicFile.publicMode)
    }

    /// Reads every file. A sealed `private.json` needs its `passphrase` (a wrong one is
    /// `SecretsError.wrongPassphrase`); a plain one ignores it.
    public func load(passphrase: [UInt8]? = nil) throws -> GuardianConfigs {
        GuardianConfigs(
            consensus: try read(ConsensusConfig.self, Self.consensusFile),
            local: try read(LocalConfig.self, Self.localFile),
            private: try readPrivate(passphrase: passphrase))
    }

    /// Reads only `local.json` (public: where this guardian listens and keeps its database).
    public func loadLocal() throws -> LocalConfig { try read(LocalConfig.self, Self.localFile) }

    /// Whether `private.json` is sealed under a passphrase (so ``load(passphrase:)`` needs one).
    public func privateConfigIsSealed() throws -> Bool {
        guard let data = FileManager.default.contents(atPath: file(Self.privateFile)) else {
            throw ConfigError.missingFile(file(Self.privateFile))
        }
        return Self.isSealed(data)
    }

    static func isSealed(_ data: Data) -> Bool {
        guard let object = try? JSONConventions.decode(JSONValue.self, from: data, what: privateFile),
            case .object(let fields) = object
        else { return false }
        return fields["ciphertext"] != nil && fields["kdf"] != nil
    }

    private func readPrivate(passphrase: [UInt8]?) throws -> PrivateConfig {
        guard let data = FileManager.default.contents(atPath: file(Self.privateFile)) else {
            throw ConfigError.missingFile(file(Self.privateFile))
        }
        guard Self.isSealed(data) else { return try JSONConventions.decode(PrivateConfig.self, from: data, what: Self.privateFile) }
        guard let passphrase else {
            throw InvalidInput(
                field: "--passphrase-file", expected: "the passphrase that seals \(file(Self.privateFile)) (or FM_PASSPHRASE)",
                code: "bad_passphrase")
        }
        let box = try JSONConventions.decode(PassphraseSealedBox.self, from: data, what: Self.privateFile)
        var plaintext = try box.open(passphrase: passphrase)
        defer { for i in plaintext.indices { plaintext[i] = 0 } }
        return try JSONConventions.decode(PrivateConfig.self, from: Data(plaintext), what: Self.privateFile)
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
