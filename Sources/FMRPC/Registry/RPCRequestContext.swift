import Logging

/// How a request reached the server.
public enum RPCTransport: String, Sendable, Codable {
    /// JSON-RPC over a WebSocket connection (text frames).
    case webSocket = "websocket"
    /// A single request in an HTTP `POST /rpc` body.
    case http
}

/// What a handler knows about the request it is serving.
public struct RPCRequestContext: Sendable {
    /// The method being called.
    public let method: String
    /// The request id, or `nil` for a notification (whose result is discarded).
    public let requestID: JSONRPCID?
    /// Identifies the connection within this server's lifetime (all HTTP requests share one).
    public let connectionID: UInt64
    public let transport: RPCTransport
    /// The server's logger with `rpc.method` and `rpc.connection` metadata set.
    public let logger: Logger
    /// The caller's IP address (`unknown` when the transport has none), for limits a handler keeps per address.
    public let clientAddress: String

    public init(
        method: String, requestID: JSONRPCID?, connectionID: UInt64, transport: RPCTransport, logger: Logger,
        clientAddress: String = "unknown"
    ) {
        self.clientAddress = clientAddress
        self.method = method
        self.requestID = requestID
        self.connectionID = connectionID
        self.transport = transport
        self.logger = logger
    }
}
