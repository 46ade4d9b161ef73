import FMBitcoinRPC
import FMCore

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
    /// This guardian's bitcoin node (bitcoind or fm-regtest) for the wallet module, in local.json as
    /// `"bitcoind": {"url": ..., "cookie_file": ...}` (or `user` and `password`); `nil`: the wallet does not vote
    /// (e-cash still works).
    public var bitcoind: BitcoinRPCConfig?

    public init(peerId: PeerID, p2pBindHost: String, p2pBindPort: Int, apiBindHost: String, apiBindPort: Int,
                databasePath: String = "guardian.sqlite", bitcoind: BitcoinRPCConfig? = nil) {
        self.peerId = peerId
        self.p2pBindHost = p2pBindHost
        self.p2pBindPort = p2pBindPort
        self.apiBindHost = apiBindHost
        self.apiBindPort = apiBindPort
        self.databasePath = databasePath
        self.bitcoind = bitcoind
    }
}
