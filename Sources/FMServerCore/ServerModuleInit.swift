import FMCore

/// One guardian's share of a module's configuration: the public part every
/// guardian holds identically (hashed into the federation id) and the part
/// only this guardian may see (key shares).
public struct GeneratedModuleConfig: Hashable, Sendable {
    public let consensus: JSONValue
    public let `private`: JSONValue

    public init(consensus: JSONValue, private: JSONValue) {
        self.consensus = consensus
        self.private = `private`
    }
}

/// Creates a module kind's configurations and server instances.
///
/// The guardian keeps one init per module kind it supports; configs travel as
/// JSON (fm's conventions) inside the federation's config files, and only the
/// init knows their structure.
public protocol ServerModuleInit: Sendable {
    /// The kind of module this init creates.
    var kind: ModuleKind { get }

    /// Generates every guardian's config with a trusted dealer.
    ///
    /// - Important: for tests and development only: the dealer sees every
    ///   secret. Real federations generate their keys with the DKG (fm-dkg,
    ///   issue 7), which will add a distributed counterpart to this method.
    /// - Parameters:
    ///   - peers: the guardians, exactly `0 ..< n`.
    ///   - threshold: how many guardians must cooperate (t).
    ///   - parameters: the module's generation parameters as JSON; `{}` (or
    ///     `null`) selects the defaults.
    ///   - rng: the dealer's randomness (a seeded generator makes tests repeatable).
    func dealerConfigs(
        peers: [PeerID], threshold: Int, parameters: JSONValue, using rng: inout some RandomNumberGenerator
    ) throws -> [PeerID: GeneratedModuleConfig]

    /// Generates this guardian's config together with the other guardians, with no dealer (fm-dkg).
    ///
    /// Every guardian calls this with the same `parameters`; the consensus parts must come out identical at all
    /// of them (fm-dkg compares their hash), the private part holds this guardian's key shares only.
    func distributedConfig(session: any DistributedConfigSession, parameters: JSONValue) async throws
        -> GeneratedModuleConfig

    /// The module's consensus config encoding, from its Common target (clients use the same one).
    var configCodec: any ModuleConfigCodec { get }

    /// Builds this guardian's server module from its configs, checking that
    /// they belong together (the private keys match the public ones).
    func module(
        instance: ModuleInstanceID, consensus: JSONValue, private: JSONValue, ownPeer: PeerID
    ) throws -> any ServerModule
}

extension ServerModuleInit {
    /// The canonical encoding of a consensus config (``configCodec``), from which the federation id is hashed.
    public func canonicalConsensusBytes(_ consensus: JSONValue) throws -> [UInt8] {
        try configCodec.canonicalConsensusBytes(consensus)
    }

    /// The part of the consensus config that clients need (``configCodec``), as served in `client_config`.
    public func clientConfig(fromConsensus consensus: JSONValue) throws -> JSONValue {
        try configCodec.clientConfig(fromConsensus: consensus)
    }

    /// ``dealerConfigs(peers:threshold:parameters:using:)`` with the system's random generator.
    public func dealerConfigs(
        peers: [PeerID], threshold: Int, parameters: JSONValue
    ) throws -> [PeerID: GeneratedModuleConfig] {
        var rng = SystemRandomNumberGenerator()
        return try dealerConfigs(peers: peers, threshold: threshold, parameters: parameters, using: &rng)
    }
}
