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
        /// Per-connection request rate (all HTTP `POST /rpc` requests share one bucket).
        public var rateLimit: RateLimit
        /// Requests a connection may have in flight at once; more get error -32003.
        public var maxInFlightPerConnection: Int
        /// Time a handler gets before the request fails with -32004, unless its method sets its own.
        public var requestTimeout: Duration
        /// Sent in the HTTP `Server` header.
        public var serverName: String

        public init(
            host: String = "127.0.0.1",
            port: Int = 8174,
            maxRequestBytes: Int = 1 << 20,
            rateLimit: RateLimit = RateLimit(burst: 200, perSecond: 100),
            maxInFlightPerConnection: Int = 64,
            requestTimeout: Duration = .seconds(60),
            serverName: String = "fm"
        ) {
            self.host = host
            self.port = port
            self.maxRequestBytes = maxRequestBytes
            self.rateLimit = rateLimit
            self.maxInFlightPerConnection = maxInFlightPerConnection
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
