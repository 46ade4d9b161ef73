import FMCore
import FMCrypto
import FMMintCommon
import FMServerCore

/// Creates mint configs and ``MintServerModule`` instances.
public struct MintServerInit: ServerModuleInit {
    /// TEST ONLY: every module this init builds serves wrong (well-formed) blind signature shares, so tests
    /// can check that clients name a lying guardian. Refused unless the federation is in dev mode.
    public let servesInvalidSharesForTesting: Bool
    /// TEST ONLY: serve a lying recovery history (``MintServerModule/servesBadHistory``).
    public let servesBadHistoryForTesting: Bool

    public init(servesInvalidSharesForTesting: Bool = false, servesBadHistoryForTesting: Bool = false) {
        self.servesInvalidSharesForTesting = servesInvalidSharesForTesting
        self.servesBadHistoryForTesting = servesBadHistoryForTesting
    }

    public var kind: ModuleKind { MintKind.kind }
    public var configCodec: any ModuleConfigCodec { MintConfigCodec() }

    /// Deals one threshold key per denomination 2^0 … 2^k with FMCrypto's
    /// trusted dealer. `parameters` is a ``MintGenerationParameters`` in JSON
    /// (`max_exponent`, `fees`, `dev_mode`; all optional).
    ///
    /// - Important: tests and development only: the dealer knows every secret
    ///   key. fm-dkg (issue 7) replaces it for real federations.
    public func dealerConfigs(
        peers: [PeerID], threshold: Int, parameters: JSONValue, using rng: inout some RandomNumberGenerator
    ) throws -> [PeerID: GeneratedModuleConfig] {
        let parameters = parameters == .null ? MintGenerationParameters() : try parameters.decode(MintGenerationParameters.self)
        guard !peers.isEmpty, peers == (0..<peers.count).map({ PeerID(UInt16($0)) }) else {
            throw MintError.invalidConfig("the guardians must be peers 0 ..< n in order")
        }
        guard threshold >= 1 && threshold <= peers.count else {
            throw MintError.invalidConfig("threshold \(threshold) is not between 1 and the \(peers.count) guardians")
        }
        var denominations: [MintDenominationKeys] = []
        var secretShares = [[SecretKeyShare]](repeating: [], count: peers.count)
        for exponent in 0...parameters.maxExponent {
            let keys = TrustedDealer.dealKeysForTesting(threshold: threshold, peers: peers.count, using: &rng)
            denominations.append(MintDenominationKeys(
                denomination: Denomination(exponent: exponent),
                aggregatePublicKey: keys.aggregatePublicKey,
                publicKeyShares: keys.publicKeyShares))
            for peer in peers.indices { secretShares[peer].append(keys.secretKeyShares[peer]) }
        }
        let consensus = try JSONValue(try MintConsensusConfig(
            threshold: threshold, denominations: denominations, fees: parameters.fees, devMode: parameters.devMode))
        var configs: [PeerID: GeneratedModuleConfig] = [:]
        for (index, peer) in peers.enumerated() {
            configs[peer] = GeneratedModuleConfig(
                consensus: consensus, private: try JSONValue(MintPrivateConfig(secretKeyShares: secretShares[index])))
        }
        return configs
    }

    /// One DKG-generated threshold key per denomination 2^0 … 2^k, in one round trip for all of them.
    public func distributedConfig(
        session: any DistributedConfigSession, parameters: JSONValue
    ) async throws -> GeneratedModuleConfig {
        let parameters = parameters == .null ? MintGenerationParameters() : try parameters.decode(MintGenerationParameters.self)
        let keys = try await session.generateThresholdKeys(count: Int(parameters.maxExponent) + 1)
        let denominations = keys.enumerated().map { exponent, key in
            MintDenominationKeys(
                denomination: Denomination(exponent: UInt8(exponent)), aggregatePublicKey: key.aggregatePublicKey,
                publicKeyShares: key.publicKeyShares)
        }
        let consensus = try JSONValue(try MintConsensusConfig(
            threshold: session.threshold, denominations: denominations, fees: parameters.fees, devMode: parameters.devMode))
        return GeneratedModuleConfig(
            consensus: consensus, private: try JSONValue(MintPrivateConfig(secretKeyShares: keys.map(\.secretKeyShare))))
    }

    public func module(
        instance: ModuleInstanceID, consensus: JSONValue, private: JSONValue, ownPeer: PeerID
    ) throws -> any ServerModule {
        try MintServerModule(
            instance: instance,
            consensus: try consensus.decode(MintConsensusConfig.self),
            private: try `private`.decode(MintPrivateConfig.self),
            ownPeer: ownPeer, servesInvalidSharesForTesting: servesInvalidSharesForTesting,
            servesBadHistoryForTesting: servesBadHistoryForTesting)
    }
}
