import ArgumentParser
import FMBitcoinRPC
import FMCore
import Foundation

/// `--bitcoind-url`, `--bitcoind-cookie`, `--bitcoind-user`, `--bitcoind-password`: the bitcoin node (bitcoind or
/// fm-regtest) a command reads the chain from, each falling back to its `FM_BITCOIND_*` environment variable.
public struct BitcoindOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("The bitcoin node's JSON-RPC URL (env FM_BITCOIND_URL).", valueName: "url"))
    public var bitcoindUrl: String?

    @Option(help: ArgumentHelp("The node's cookie file (env FM_BITCOIND_COOKIE).", valueName: "path"))
    public var bitcoindCookie: String?

    @Option(help: ArgumentHelp("RPC user, with --bitcoind-password (env FM_BITCOIND_USER).", valueName: "user"))
    public var bitcoindUser: String?

    @Option(help: ArgumentHelp("RPC password (env FM_BITCOIND_PASSWORD).", valueName: "password"))
    public var bitcoindPassword: String?

    public init() {}

    /// The node these options (else the environment) name; `nil` when neither gives a URL.
    /// - Throws: ``InvalidInput`` unless exactly one of a cookie file or a user and password comes with the URL.
    public func rpcConfig(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(InvalidInput) -> BitcoinRPCConfig? {
        guard let url = bitcoindUrl ?? environment["FM_BITCOIND_URL"] else { return nil }
        let cookie = bitcoindCookie ?? environment["FM_BITCOIND_COOKIE"]
        let user = bitcoindUser ?? environment["FM_BITCOIND_USER"]
        let password = bitcoindPassword ?? environment["FM_BITCOIND_PASSWORD"]
        switch (cookie, user, password) {
        case (let cookie?, nil, nil): return BitcoinRPCConfig(url: url, auth: .cookieFile(cookie))
        case (nil, let user?, let password?): return BitcoinRPCConfig(url: url, auth: .userPassword(user: user, password: password))
        default:
            throw InvalidInput(
                field: "--bitcoind-cookie", expected: "either a cookie file, or --bitcoind-user and --bitcoind-password")
        }
    }
}
