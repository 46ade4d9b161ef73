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
    /// Overrides of the client API's per-address limits, in local.json as `"api_limits": {...}`; absent: the
    /// defaults of docs/rpc.md.
    public var apiLimits: APILimits?

    /// Per-client-address limits of the client API (docs/rpc.md, "Limits"); each absent field keeps its default.
    public struct APILimits: Codable, Hashable, Sendable {
        /// Open connections per remote IP address (default 32).
        public var maxConnectionsPerAddress: Int?
        /// Seconds without traffic before a connection is closed (default 120; must exceed 55, the long polls).
        public var idleTimeoutSeconds: Int?
        /// The cost budget per address: burst and units per second (defaults 400 and 200).
        public var clientBudgetBurst: Int?
        public var clientBudgetPerSecond: Int?
        /// Long polls waiting at once, over all clients (default 1,024, ``LongPollSlots``).
        public var maxLongPolls: Int?

        public init(
            maxConnectionsPerAddress: Int? = nil, idleTimeoutSeconds: Int? = nil, clientBudgetBurst: Int? = nil,
            clientBudgetPerSecond: Int? = nil, maxLongPolls: Int? = nil
        ) {
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.clientBudgetBurst = clientBudgetBurst
            self.clientBudgetPerSecond = clientBudgetPerSecond
            self.maxLongPolls = maxLongPolls
        }
    }

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
