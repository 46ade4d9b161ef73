import FMLightningServer
import FMMintServer
import FMWalletServer

/// TEST ONLY: faults a test can switch on in a real `fm-node` process through its environment, to check
/// that clients survive a misbehaving guardian. Every fault is refused unless the federation runs in dev
/// mode (its mint config says `dev_mode: true`), so a production federation cannot be put in one.
public enum GuardianTestFaults {
    /// `FM_TEST_MINT_INVALID_SHARES=1`: this guardian serves well-formed but wrong blind signature shares.
    public static let invalidSharesVariable = "FM_TEST_MINT_INVALID_SHARES"

    /// The module registry for a guardian started with `environment`: ``ModuleRegistry/standard`` unless a
    /// test fault is switched on.
    public static func registry(environment: [String: String], walletChain: (any WalletChainSource)? = nil) -> ModuleRegistry {
        guard environment[invalidSharesVariable] == "1" else { return .standard(walletChain: walletChain) }
        return ModuleRegistry([
            MintServerInit(servesInvalidSharesForTesting: true), WalletServerInit(chain: walletChain), LightningServerInit(),
        ])
    }

    /// The faults switched on in `environment`, to be logged loudly.
    public static func active(in environment: [String: String]) -> [String] {
        environment[invalidSharesVariable] == "1" ? [invalidSharesVariable] : []
    }
}
