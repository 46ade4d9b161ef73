import FMCore
import Foundation

extension RPCServer {
    /// Where the server listens and the limits it enforces.
    public struct Configuration: Sendable {
        /// Address to bind; tests use `127.0.0.1`.
        public var host: String
        /// Port to bind; 0 picks a free port (read it back with ``RPCServer/listeningPort()``).
        public var port: Int
        /// Largest request accepted, in bytes, per WebSocket message or HTTP body. Larger requests
        /// get error -32001 and the connection stays open; a single WebSocket frame larger than
        /// twice this closes the connection with close code 1009 (message too big).
        public var maxRequestBytes: Int
        /// Request rate per WebSocket connection, and per client address for HTTP `POST /rpc` (all HTTP
        /// requests from one address share one bucket; other addresses are not affected).
        public var rateLimit: RateLimit
        /// Requests a connection (for HTTP: a client address) may have in flight at once; more get error -32003.
        public var maxInFlightPerConnection: Int
        /// Cost units one client address may spend over all its connections, WebSocket and HTTP; each
        /// request costs its method's cost (1 unless registered higher; fm-node's `submit_transaction`
        /// costs ``RPCMethodRegistry/submitCost``). Over budget: error -32002 `rate_limited`.
        public var clientBudget: RateLimit
        /// Open connections one remote address may hold; more are answered `429 Too Many Requests` and closed.
        public var maxConnectionsPerAddress: Int
        /// A connection that reads and writes nothing for this long is closed (idle keep-alive, half-open,
        /// an unfinished request). Must exceed the longest method timeout (fm-node's long polls: 55 s);
        /// WebSockets stay busy with the server's pings every 30 s.
        public var idleTimeout: Duration
        /// How long a closing connection is drained of the peer's unread input before it is closed anyway.
        public var lingerTimeout: Duration
        /// Time a handler gets before the request fails with -32004, unless its method sets its own.
        public var requestTimeout: Duration
        /// Sent in the HTTP `Server` header.
        public var serverName: String
        /// Answers a WebSocket client has not read yet, in bytes; a client that keeps sending without reading is
        /// disconnected beyond this (otherwise its queued answers would grow without bound: a memory exhaustion).
        public var maxUnsentResponseBytes: Int = 8 << 20

        public init(
            host: String = "127.0.0.1",
            port: Int = 8174,
            maxRequestBytes: Int = 1 << 20,
            rateLimit: RateLimit = RateLimit(burst: 200, perSecond: 100),
            maxInFlightPerConnection: Int = 64,
            clientBudget: RateLimit = RateLimit(burst: 400, perSecond: 200),
            maxConnectionsPerAddress: Int = 32,
            idleTimeout: Duration = .seconds(120),
            lingerTimeout: Duration = .seconds(2),
            requestTimeout: Duration = .seconds(60),
            serverName: String = "fm"
        ) {
            self.host = host
            self.port = port
            self.maxRequestBytes = maxRequestBytes
            self.rateLimit = rateLimit
            self.maxInFlightPerConnection = maxInFlightPerConnection
            self.clientBudget = clientBudget
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.idleTimeout = idleTimeout
            self.lingerTimeout = lingerTimeout
            self.requestTimeout = requestTimeout
            self.serverName = serverName
        }

        /// The WebSocket layer's hard limit on one frame (and the size responses are fragmented at).
        var maxFrameBytes: Int { maxRequestBytes * 2 }
    }

    /// A token-bucket rate: `burst` requests at once, then `perSecond` on average.
    public struct RateLimit: Sendable {
        public var burst: Int
        public var perSecond: Double

        public init(burst: Int, perSecond: Double) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }
}

/// The body of `GET /`, produced by the host on each request.
public enum RPCStatusPage: Sendable {
    case html(String)
    case text(String)
    case json(Data)

    /// The value as pretty-printed JSON in fm's conventions.
    public static func jsonEncoding(_ value: some Encodable) throws -> Self {
        .json(try JSONConventions.encoder(pretty: true).encode(value))
    }

    var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .text: "text/plain; charset=utf-8"
        case .json: "application/json"
        }
    }

    var body: Data {
        switch self {
        case .html(let text), .text(let text): Data(text.utf8)
        case .json(let data): data
        }
    }
}
