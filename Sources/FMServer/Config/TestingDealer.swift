import FMCore
import FMMintServer
import FMServerCore
import FMSetup

/// Generates a whole federation's configs at once with a trusted dealer.
///
/// - Important: TESTS AND DEVELOPMENT ONLY. The dealer creates, and so knows, every guardian's secret keys and
///   every module key share; whoever runs it could forge e-cash. Real federations use fm-dkg (issue 7).
public enum TestingDealer {
    /// Every guardian's identity and configs for an n-guardian federation on `host`: guardian i listens for peers
    /// on `basePort + 2i` and for clients on `basePort + 2i + 1`. Threshold t = n - floor((n-1)/3); the modules
    /// of ``FederationModulePlan/default(devMode:parameters:)``; `devMode` enables dev-issue.
    public static func generateForTesting(
        guardians n: Int, host: String = "127.0.0.1", basePort: Int, devMode: Bool,
        modules registry: ModuleRegistry = .standard, mintParameters: JSONValue = .object([:])
    ) throws -> [GuardianConfigs] {
        try generateForTesting(
            host: host, ports: (0..<n).map { (p2p: basePort + 2 * $0, api: basePort + 2 * $0 + 1) }, devMode: devMode,
            modules: registry, mintParameters: mintParameters)
    }

    /// As above with explicit ports: guardian i listens on `ports[i]`.
    public static func generateForTesting(
        host: String = "127.0.0.1", ports: [(p2p: Int, api: Int)], devMode: Bool,
        modules registry: ModuleRegistry = .standard, mintParameters: JSONValue = .object([:])
    ) throws -> [GuardianConfigs] {
        let n = ports.count
        guard n >= 1, n <= 64 else { throw ConfigError.invalid("a federation has 1 to 64 guardians, not \(n)") }
        let peers = (0..<n).map { PeerID(UInt16($0)) }
        let threshold = n - (n - 1) / 3
        let identities = try peers.map { peer in
            let port = ports[Int(peer.rawValue)]
            return try GuardianIdentity.generate(
                name: "guardian-\(peer.rawValue)", p2pUrl: "fm://\(host):\(port.p2p)", apiUrl: "ws://\(host):\(port.api)/")
        }
        let plan = FederationModulePlan.default(devMode: devMode, parameters: [MintServerInit().kind: mintParameters])
        var modules: [ConsensusConfig.Module] = []
        var privateModules: [PeerID: [PrivateConfig.Module]] = [:]
        for module in plan.modules {
            guard let moduleInit = registry.moduleInit(for: module.kind) else { throw ConfigError.unknownModuleKind(module.kind) }
            let configs = try moduleInit.dealerConfigs(peers: peers, threshold: threshold, parameters: module.parameters)
            modules.append(ConsensusConfig.Module(instance: module.instance, kind: module.kind, config: configs[peers[0]]!.consensus))
            for peer in peers {
                privateModules[peer, default: []].append(PrivateConfig.Module(instance: module.instance, config: configs[peer]!.private))
            }
        }
        let consensus = ConsensusConfig(
            peers: zip(peers, identities).map { ConsensusConfig.Peer(peerId: $0, setupCode: $1.setupCode) },
            threshold: threshold, modules: modules, devMode: devMode)
        try consensus.validate(modules: registry)
        return zip(peers, identities).map { peer, identity in
            let port = ports[Int(peer.rawValue)]
            return GuardianConfigs(
                consensus: consensus,
                local: LocalConfig(peerId: peer, p2pBindHost: host, p2pBindPort: port.p2p, apiBindHost: host, apiBindPort: port.api),
                private: PrivateConfig(
                    consensusSecretKey: Hex.encode(identity.consensusKey.secretKey.rawRepresentation),
                    tlsPrivateKey: Hex.encode(identity.tls.privateKeyRawRepresentation),
                    modules: privateModules[peer]!))
        }
    }
}
