import FMCore
import FMSecp256k1
import FMServerCore
import FMWalletCommon
import Logging

/// Creates wallet configs and ``WalletServerModule`` instances.
///
/// `chain` is this guardian's bitcoin node (fm-node's `--bitcoind-url`); without one the wallet still loads (so a
/// federation runs e-cash without bitcoin) but does not vote and cannot follow the federation's block height.
public struct WalletServerInit: ServerModuleInit {
    public let chain: (any WalletChainSource)?
    public let pollInterval: Duration

    public init(chain: (any WalletChainSource)? = nil, pollInterval: Duration = .seconds(1)) {
        self.chain = chain
        self.pollInterval = pollInterval
    }

    public var kind: ModuleKind { WalletKind.kind }
    public var configCodec: any ModuleConfigCodec { WalletConfigCodec() }

    /// One peg-in key per guardian. `parameters`: ``WalletGenerationParameters`` in JSON (`network`,
    /// `finality_delay`, `fees`, `default_fee_rate`; all optional).
    ///
    /// - Important: tests and development only: the dealer knows every secret key.
    public func dealerConfigs(
        peers: [PeerID], threshold: Int, parameters: JSONValue, using rng: inout some RandomNumberGenerator
    ) throws -> [PeerID: GeneratedModuleConfig] {
        let parameters = try WalletGenerationParameters.decode(parameters)
        guard !peers.isEmpty, peers == (0..<peers.count).map({ PeerID(UInt16($0)) }) else {
            throw WalletError.invalidConfig("the guardians must be peers 0 ..< n in order")
        }
        let secrets = peers.map { _ in SecretKey(using: &rng) }
        let consensus = try JSONValue(try config(parameters, threshold: threshold, keys: secrets.map(\.publicKey)))
        var configs: [PeerID: GeneratedModuleConfig] = [:]
        for (peer, secret) in zip(peers, secrets) {
            configs[peer] = GeneratedModuleConfig(consensus: consensus, private: try JSONValue(WalletPrivateConfig(pegInKey: secret)))
        }
        return configs
    }

    /// Each guardian draws its own peg-in key and the guardians exchange the public keys; nobody sees another's secret.
    public func distributedConfig(
        session: any DistributedConfigSession, parameters: JSONValue
    ) async throws -> GeneratedModuleConfig {
        let parameters = try WalletGenerationParameters.decode(parameters)
        let secret = SecretKey()
        let exchanged = try await session.exchangePublicValues(secret.publicKey.compressed)
        let keys = try session.peers.map { peer in
            guard let raw = exchanged[peer], raw.count == 33, let key = try? PublicKey(serialized: raw) else {
                throw WalletError.invalidConfig("\(peer) sent no valid compressed peg-in public key")
            }
            return key
        }
        return GeneratedModuleConfig(
            consensus: try JSONValue(try config(parameters, threshold: session.threshold, keys: keys)),
            private: try JSONValue(WalletPrivateConfig(pegInKey: secret)))
    }

    private func config(_ parameters: WalletGenerationParameters, threshold: Int, keys: [PublicKey]) throws -> WalletConsensusConfig {
        try WalletConsensusConfig(
            network: parameters.network, threshold: threshold, pegInKeys: keys, finalityDelay: parameters.finalityDelay,
            fees: parameters.fees, defaultFeeRate: parameters.defaultFeeRate)
    }

    public func module(
        instance: ModuleInstanceID, consensus: JSONValue, private: JSONValue, ownPeer: PeerID
    ) throws -> any ServerModule {
        try WalletServerModule(
            instance: instance, consensus: try consensus.decode(WalletConsensusConfig.self),
            private: try `private`.decode(WalletPrivateConfig.self), ownPeer: ownPeer, chain: chain,
            pollInterval: pollInterval)
    }
}
