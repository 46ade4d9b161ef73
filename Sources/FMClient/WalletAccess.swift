import FMBitcoinRPC
import FMClientCore
import FMCore
import FMMintClient
import FMWalletClient
import Foundation

extension FederationClient {
    /// Peg-in and peg-out for this federation (its wallet and mint modules), reading the chain through `bitcoin`.
    public func walletOperations(
        bitcoin: (any BitcoinRPC)?, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> WalletOperations {
        guard let wallet = module(WalletClientModule.self) else { throw WalletClientError.noWalletModule }
        guard let mint = module(MintClientModule.self) else { throw WalletClientError.noMint }
        return WalletOperations(wallet: wallet, mint: mint, bitcoin: bitcoin, progress: progress)
    }
}
