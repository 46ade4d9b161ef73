import FMCore
import FMLightningCommon
import FMMintCommon
import FMWalletCommon

/// The API versions a guardian serves (`version`): the core's and those of each module kind it runs.
enum GuardianAPIVersions {
    /// TEST ONLY: `FM_TEST_API_VERSIONS=ln=2.0` makes a guardian of a dev federation announce other versions
    /// (``FMCore/SupportedAPIVersions/overridden(by:)``); refused elsewhere.
    static let overrideVariable = "FM_TEST_API_VERSIONS"

    /// Each module kind's versions, from its Common target (shared with the client).
    static let moduleVersions: [String: [APIVersion]] = [
        MintKind.kind.rawValue: MintKind.apiVersions,
        WalletKind.kind.rawValue: WalletKind.apiVersions,
        LightningKind.kind.rawValue: LightningKind.apiVersions,
    ]

    static func served(by node: GuardianNode, environment: [String: String]) throws -> SupportedAPIVersions {
        let kinds = Set(node.processor.modules.values.map(\.kind.rawValue))
        let served = SupportedAPIVersions(
            core: SupportedAPIVersions.coreVersions, modules: moduleVersions.filter { kinds.contains($0.key) })
        guard let spec = environment[overrideVariable] else { return served }
        guard node.configs.consensus.devMode else {
            throw ConfigError.invalid("\(overrideVariable) is a test fault, allowed only on dev federations")
        }
        node.logger.critical("TEST FAULT \(overrideVariable)=\(spec) is on: this guardian announces other API versions")
        return try served.overridden(by: spec)
    }
}
