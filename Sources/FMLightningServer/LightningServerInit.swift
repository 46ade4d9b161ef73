import FMCore
import FMCrypto
import FMLightningCommon
import FMServerCore

/// Creates Lightning module configs (one threshold encryption key) and ``LightningServerModule`` instances.
public struct LightningServerInit: ServerModuleInit {
    let clock: @Sendable () -> UInt64
    let voteInterval: UInt64
    /// TEST ONLY (`FM_TEST_LN_INVALID_SHARES`): serve well-formed but wrong decryption shares. The guardian refuses
    /// to start with it unless its federation is in dev mode (``LightningServerModule/servesInvalidShares``).
    public let servesInvalidSharesForTesting: Bool

    /// - Parameters:
    ///   - clock: this guardian's clock in unix seconds (tests pass a controlled one).
    ///   - voteInterval: seconds between this guardian's time votes.
    public init(
        clock: @escaping @Sendable () -> UInt64 = LightningServerModule.systemClock, voteInterval: UInt64 = 10,
        servesInvalidSharesForTesting: Bool = false
    ) {
        self.clock = clock
        self.voteInterval = voteInterval
        self.servesInvalidSharesForTesting = servesInvalidSharesForTesting
    }

    public var kind: ModuleKind { LightningKind.kind }
    public var configCodec: any ModuleConfigCodec { LightningConfigCodec() }

    /// - Important: tests and development only: the dealer knows the whole decryption key.
    public func dealerConfigs(
        peers: [PeerID], threshold: Int, parameters: JSONValue, using rng: inout some RandomNumberGenerator
    ) throws -> [PeerID: GeneratedModuleConfig] {
        let parameters = try Self.parameters(parameters)
        guard !peers.isEmpty, peers == (0..<peers.count).map({ PeerID(UInt16($0)) }) else {
            throw LightningError.invalidConfig("the guardians must be peers 0 ..< n in order")
        }
        guard threshold >= 1 && threshold <= peers.count else {
            throw LightningError.invalidConfig("threshold \(threshold) is not between 1 and the \(peers.count) guardians")
        }
        let keys = TrustedDealer.dealKeysForTesting(threshold: threshold, peers: peers.count, using: &rng)
        let consensus = try JSONValue(try LightningConsensusConfig(
            threshold: threshold, encryptionKey: keys.aggregatePublicKey, encryptionKeyShares: keys.publicKeyShares,
            fees: parameters.fees, maxTimelockDelta: parameters.maxTimelockDelta))
        var configs: [PeerID: GeneratedModuleConfig] = [:]
        for (index, peer) in peers.enumerated() {
            configs[peer] = GeneratedModuleConfig(
                consensus: consensus,
                private: try JSONValue(LightningPrivateConfig(encryptionKeyShare: keys.secretKeyShares[index])))
        }
        return configs
    }

    /// The encryption key from the DKG, in the same round as every other threshold key of this module (one).
    public func distributedConfig(session: any DistributedConfigSession, parameters: JSONValue) async throws
        -> GeneratedModuleConfig
    {
        let parameters = try Self.parameters(parameters)
        guard let key = try await session.generateThresholdKeys(count: 1).first else {
            throw LightningError.invalidConfig("the DKG returned no key")
        }
        let consensus = try JSONValue(try LightningConsensusConfig(
            threshold: session.threshold, encryptionKey: key.aggregatePublicKey, encryptionKeyShares: key.publicKeyShares,
            fees: parameters.fees, maxTimelockDelta: parameters.maxTimelockDelta))
        return GeneratedModuleConfig(
            consensus: consensus, private: try JSONValue(LightningPrivateConfig(encryptionKeyShare: key.secretKeyShare)))
    }

    public func module(
        instance: ModuleInstanceID, consensus: JSONValue, private: JSONValue, ownPeer: PeerID
    ) throws -> any ServerModule {
        try LightningServerModule(
            instance: instance, consensus: try consensus.decode(LightningConsensusConfig.self),
            private: try `private`.decode(LightningPrivateConfig.self), ownPeer: ownPeer, clock: clock,
            voteInterval: voteInterval, servesInvalidSharesForTesting: servesInvalidSharesForTesting)
    }

    static func parameters(_ json: JSONValue) throws -> LightningGenerationParameters {
        json == .null ? LightningGenerationParameters() : try json.decode(LightningGenerationParameters.self)
    }
}
