import FMCore
import FMServerCore

/// Builds a guardian's module servers from its configs.
public enum GuardianModules {
    /// One ``ServerModule`` per module of the consensus config, with this guardian's private config for it.
    public static func build(_ configs: GuardianConfigs, registry: ModuleRegistry) throws -> [any ServerModule] {
        try configs.consensus.modules.map { module in
            guard let moduleInit = registry.moduleInit(for: module.kind) else { throw ConfigError.unknownModuleKind(module.kind) }
            guard let privateConfig = configs.private.module(module.instance) else {
                throw ConfigError.mismatch("private.json has no config for \(module.instance) (\(module.kind))")
            }
            return try moduleInit.module(
                instance: module.instance, consensus: module.config, private: privateConfig, ownPeer: configs.local.peerId)
        }
    }
}
