import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMMintCommon
import FMWalletClient
import FMWalletCommon

/// The client modules this build of FMClient knows, by kind.
public enum ClientModules {
    public static let all: [any ClientModule.Type] = [MintClientModule.self, WalletClientModule.self, LightningClientModule.self]

    /// The consensus config encodings of those modules (from their Common targets, the same the guardians use),
    /// so a joining client can recompute the federation id.
    public static let configCodecs = ModuleConfigCodecs([MintConfigCodec(), WalletConfigCodec(), LightningConfigCodec()])
}
