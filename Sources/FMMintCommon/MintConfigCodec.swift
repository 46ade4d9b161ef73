import FMCore

/// The mint's consensus config as guardians hash it and clients read it: the one definition both sides use.
public struct MintConfigCodec: ModuleConfigCodec {
    public init() {}

    public var kind: ModuleKind { MintKind.kind }

    public func canonicalConsensusBytes(_ consensus: JSONValue) throws -> [UInt8] {
        let config = try consensus.decode(MintConsensusConfig.self)
        try config.checkKeys()  // a config is hashed (and so trusted) only with every key checked
        return config.canonicalBytes
    }

    /// The whole consensus config: it is public, and clients need all of it.
    public func clientConfig(fromConsensus consensus: JSONValue) throws -> JSONValue {
        try JSONValue(try consensus.decode(MintConsensusConfig.self))
    }
}
