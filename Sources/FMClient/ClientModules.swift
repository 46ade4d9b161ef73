import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMMintCommon
import FMWalletClient
import FMWalletCommon
import Foundation

/// The client modules this build of FMClient knows, by kind.
public enum ClientModules {
    public static let all: [any ClientModule.Type] = [MintClientModule.self, WalletClientModule.self, LightningClientModule.self]

    /// The consensus config encodings of those modules (from their Common targets, the same the guardians use),
    /// so a joining client can recompute the federation id.
    public static let configCodecs = ModuleConfigCodecs([MintConfigCodec(), WalletConfigCodec(), LightningConfigCodec()])

    /// TEST ONLY, debug builds only: `FM_TEST_CLIENT_API_VERSIONS=ln=2.0` makes this client speak other API
    /// versions (``FMCore/SupportedAPIVersions/overridden(by:)``), to test a client older or newer than its guardians.
    public static let apiVersionsOverrideVariable = "FM_TEST_CLIENT_API_VERSIONS"

    /// The API versions this build speaks: the core's and each module's (from their Common targets).
    public static func apiVersions(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SupportedAPIVersions
    {
        let spoken = SupportedAPIVersions(
            core: SupportedAPIVersions.coreVersions,
            modules: [
                MintKind.kind.rawValue: MintKind.apiVersions, WalletKind.kind.rawValue: WalletKind.apiVersions,
                LightningKind.kind.rawValue: LightningKind.apiVersions,
            ])
        #if DEBUG
        if let spec = environment[apiVersionsOverrideVariable] { return try spoken.overridden(by: spec) }
        #endif
        return spoken
    }
}
