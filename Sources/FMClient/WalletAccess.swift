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

/// The client's bitcoin node from command-line values, falling back to `FM_BITCOIND_URL`, `FM_BITCOIND_COOKIE`,
/// `FM_BITCOIND_USER` and `FM_BITCOIND_PASSWORD`; `nil` when no URL is given anywhere.
public func clientBitcoinRPC(url: String?, cookie: String?, user: String?, password: String?) throws -> (any BitcoinRPC)? {
    let environment = ProcessInfo.processInfo.environment
    guard let url = url ?? environment["FM_BITCOIND_URL"] else { return nil }
    let cookie = cookie ?? environment["FM_BITCOIND_COOKIE"]
    let user = user ?? environment["FM_BITCOIND_USER"]
    let password = password ?? environment["FM_BITCOIND_PASSWORD"]
    let auth: BitcoinRPCAuth
    switch (cookie, user, password) {
    case (let cookie?, nil, nil): auth = .cookieFile(cookie)
    case (nil, let user?, let password?): auth = .userPassword(user: user, password: password)
    default:
        throw InvalidInput(field: "bitcoind_cookie", expected: "either --bitcoind-cookie, or --bitcoind-user and --bitcoind-password")
    }
    return try BitcoinCoreRPCClient(url: url, auth: auth)
}
