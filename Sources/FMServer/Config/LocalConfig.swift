import FMBitcoinRPC
import FMCore
import FMWalletServer

/// What only this guardian's machine decides: who it is and where it listens.
public struct LocalConfig: Codable, Hashable, Sendable {
    public var peerId: PeerID
    /// Where the peer-to-peer (TLS) listener binds.
    public var p2pBindHost: String
    public var p2pBindPort: Int
    /// Where the client API (JSON-RPC over WebSocket/HTTP) binds.
    public var apiBindHost: String
    public var apiBindPort: Int
    /// The database file, relative to the config directory unless absolute.
    public var databasePath: String
    /// This guardian's bitcoin node for the wallet module; `nil`: the wallet does not vote (e-cash still works).
    public var bitcoind: BitcoindSettings?

    public init(peerId: PeerID, p2pBindHost: String, p2pBindPort: Int, apiBindHost: String, apiBindPort: Int,
                databasePath: String = "guardian.sqlite", bitcoind: BitcoindSettings? = nil) {
        self.peerId = peerId
        self.p2pBindHost = p2pBindHost
        self.p2pBindPort = p2pBindPort
        self.apiBindHost = apiBindHost
        self.apiBindPort = apiBindPort
        self.databasePath = databasePath
        self.bitcoind = bitcoind
    }
}

/// Where this guardian's bitcoin node (bitcoind or fm-regtest) answers JSON-RPC, and how to log in: a cookie file or
/// a user and password. In local.json as `"bitcoind": {"url": ..., "cookie_file": ...}`.
public struct BitcoindSettings: Codable, Hashable, Sendable {
    public var url: String
    public var cookieFile: String?
    public var user: String?
    public var password: String?

    public init(url: String, cookieFile: String? = nil, user: String? = nil, password: String? = nil) {
        self.url = url
        self.cookieFile = cookieFile
        self.user = user
        self.password = password
    }

    /// The RPC client's config. Throws unless exactly one of a cookie file or user + password is set.
    public func rpcConfig() throws -> BitcoinRPCConfig {
        let auth: BitcoinRPCAuth
        switch (cookieFile, user, password) {
        case (let cookie?, nil, nil): auth = .cookieFile(cookie)
        case (nil, let user?, let password?): auth = .userPassword(user: user, password: password)
        default: throw ConfigError.invalid("bitcoind: set either a cookie file, or a user and a password")
        }
        return BitcoinRPCConfig(url: url, auth: auth)
    }

    /// The wallet's chain source backed by this node.
    public func makeChainSource() throws -> any WalletChainSource {
        BitcoinRPCChainSource(rpc: try rpcConfig().makeClient())
    }
}
