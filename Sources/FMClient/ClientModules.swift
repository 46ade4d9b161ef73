import FMClientCore
import FMMintClient
import FMWalletClient

/// The client modules this build of FMClient knows, by kind.
public enum ClientModules {
    public static let all: [any ClientModule.Type] = [MintClientModule.self, WalletClientModule.self]
}
