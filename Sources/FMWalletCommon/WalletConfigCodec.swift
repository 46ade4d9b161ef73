import FMCore

/// The wallet's consensus config as guardians hash it and clients read it: the one definition both sides use.
public struct WalletConfigCodec: ModuleConfigCodec {
    public init() {}

    public var kind: ModuleKind { WalletKind.kind }

    public func canonicalConsensusBytes(_ consensus: JSONValue) throws -> [UInt8] {
        try consensus.decode(WalletConsensusConfig.self).canonicalBytes
    }

    /// The whole consensus config: it is public, and clients need all of it.
    public func clientConfig(fromConsensus consensus: JSONValue) throws -> JSONValue {
        try JSONValue(try consensus.decode(WalletConsensusConfig.self))
    }
}
