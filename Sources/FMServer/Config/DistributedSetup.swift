import FMCore
import FMServerCore
import FMSetup
import Foundation

/// Builds one guardian's configs with the other guardians, no dealer (fm-dkg, BRIEF §4).
///
/// Runs every module's ``ServerModuleInit/distributedConfig(session:parameters:)`` in plan order on a running
/// ``DistributedConfigSession``, assembles the consensus config, and checks with everyone that they computed the
/// same one (its hash, the federation id, exchanged and compared). The output has exactly the shape of
/// ``TestingDealer``'s, so fm-node runs it unchanged.
public struct DistributedSetup: Sendable {
    /// Every guardian's setup code, index = peer id (the DKG's numbering).
    public let guardians: [SetupCode]
    /// This guardian's identity (its setup code is `guardians[ownPeer]`).
    public let identity: GuardianIdentity
    public let ownPeer: PeerID
    public let plan: FederationModulePlan
    public let devMode: Bool
    /// Where fm-node binds its listeners; nil binds the hosts of this guardian's p2p and API URLs.
    public let bindHost: String?
    public let registry: ModuleRegistry

    public init(
        guardians: [SetupCode], identity: GuardianIdentity, ownPeer: PeerID, plan: FederationModulePlan,
        devMode: Bool, bindHost: String? = nil, registry: ModuleRegistry = .standard
    ) throws(ConfigError) {
        guard Int(ownPeer.rawValue) < guardians.count, guardians[Int(ownPeer.rawValue)] == identity.setupCode else {
            throw .mismatch("the identity is not guardian \(ownPeer) of the setup codes")
        }
        for module in plan.modules where registry.moduleInit(for: module.kind) == nil {
            throw .unknownModuleKind(module.kind)
        }
        self.guardians = guardians
        self.identity = identity
        self.ownPeer = ownPeer
        self.plan = plan
        self.devMode = devMode
        self.bindHost = bindHost
        self.registry = registry
    }

    /// What must be equal at every guardian besides the setup codes: dev mode and the module plan (instances,
    /// kinds, parameters as sorted-key JSON). The DKG compares it before generating anything.
    public var parametersDigest: Hash256 {
        var bytes = Array("fm-dkg/parameters/v1".utf8)
        bytes.append(devMode ? 1 : 0)
        let encoder = JSONConventions.encoder()
        for module in plan.modules {
            bytes += Array("|\(module.instance.rawValue)|\(module.kind.rawValue)|".utf8)
            bytes += Array((try? encoder.encode(module.parameters)) ?? Data())
        }
        return Hash256.sha256(bytes)
    }

    /// Generates every module's config on `session` and returns this guardian's configs.
    /// Throws if a module's generation fails or any guardian computed a different consensus config.
    public func run(session: any DistributedConfigSession) async throws -> GuardianConfigs {
        var modules: [ConsensusConfig.Module] = []
        var privateModules: [PrivateConfig.Module] = []
        for module in plan.modules {
            let moduleInit = registry.moduleInit(for: module.kind)!
            let generated = try await moduleInit.distributedConfig(session: session, parameters: module.parameters)
            modules.append(ConsensusConfig.Module(instance: module.instance, kind: module.kind, config: generated.consensus))
            privateModules.append(PrivateConfig.Module(instance: module.instance, config: generated.private))
        }
        let consensus = ConsensusConfig(
            peers: guardians.enumerated().map { ConsensusConfig.Peer(peerId: PeerID(UInt16($0)), setupCode: $1) },
            threshold: session.threshold, modules: modules, devMode: devMode)
        try consensus.validate(modules: registry)
        let federationID = try consensus.federationID(modules: registry)
        for (peer, hash) in try await session.exchangePublicValues(federationID.hash.bytes).sorted(by: { $0.key < $1.key })
        where hash != federationID.hash.bytes {
            throw ConfigError.mismatch(
                "\(guardians[Int(peer.rawValue)].name) (\(peer)) computed a different consensus config "
                    + "(federation id \(Hex.encode(hash)), this guardian \(federationID))")
        }
        let code = try identity.setupCode.validated()
        let api = URLComponents(string: code.apiUrl)
        return GuardianConfigs(
            consensus: consensus,
            local: LocalConfig(
                peerId: ownPeer, p2pBindHost: bindHost ?? code.p2p.host, p2pBindPort: code.p2p.port,
                apiBindHost: bindHost ?? api?.host ?? code.p2p.host, apiBindPort: api?.port ?? 0),
            private: PrivateConfig(
                consensusSecretKey: Hex.encode(identity.consensusKey.secretKey.rawRepresentation),
                tlsPrivateKey: Hex.encode(identity.tls.privateKeyRawRepresentation),
                modules: privateModules))
    }
}
