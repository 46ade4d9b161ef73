import FMCore
import FMLightningServer
import FMMintServer
import FMServerCore
import FMWalletServer

/// The module kinds this guardian can run: one ``ServerModuleInit`` per kind.
public struct ModuleRegistry: Sendable {
    private let inits: [ModuleKind: any ServerModuleInit]

    public init(_ inits: [any ServerModuleInit]) {
        self.inits = Dictionary(inits.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every module kind fm-node ships with; the wallet without a bitcoin node (it does not vote).
    public static let standard = ModuleRegistry([MintServerInit(), WalletServerInit(), LightningServerInit()])

    /// Every module kind fm-node ships with, the wallet following the bitcoin node `walletChain`.
    public static func standard(walletChain: (any WalletChainSource)?, pollInterval: Duration = .seconds(1)) -> ModuleRegistry {
        ModuleRegistry([
            MintServerInit(), WalletServerInit(chain: walletChain, pollInterval: pollInterval), LightningServerInit(),
        ])
    }

    public func moduleInit(for kind: ModuleKind) -> (any ServerModuleInit)? { inits[kind] }

    /// The config codecs of these modules, for encoding a ``ConsensusConfig``.
    public var configCodecs: ModuleConfigCodecs { ModuleConfigCodecs(inits.values.map(\.configCodec)) }
}
