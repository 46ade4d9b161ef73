import FMClientCore
import FMCore
import FMRPC

/// ``GuardianTransport`` over JSON-RPC 2.0 / WebSocket: one ``JSONRPCClient`` per guardian API URL.
///
/// Connection failures and timeouts stay `.unreachable`; a guardian's JSON-RPC error becomes a
/// ``GuardianRejection`` carrying only the guardian's own code, message and category, so equal refusals from
/// different guardians compare equal, and "try again" answers (category `.unreachable`: `rate_limited`,
/// `too_many_in_flight`, `timeout`, `not_yet_processed`, `cancelled`) stay retryable.
public struct JSONRPCGuardianTransport: GuardianTransport {
    private let clients: [PeerID: JSONRPCClient]

    public init(apiURLs: [PeerID: String], configuration: JSONRPCClient.Configuration = .init()) {
        clients = apiURLs.mapValues { JSONRPCClient(url: $0, configuration: configuration) }
    }

    public init(config: ClientConfig) {
        self.init(apiURLs: Dictionary(uniqueKeysWithValues: config.peers.map { ($0.peerId, $0.apiUrl) }))
    }

    public func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        guard let client = clients[peer] else {
            throw JSONRPCClientError.unreachable(url: "\(peer)", reason: "no API URL known for \(peer)")
        }
        do {
            return try await client.call(method, params: params, as: JSONValue.self, timeout: timeout)
        } catch let error as JSONRPCClientError {
            if let server = error.serverError {
                throw GuardianRejection(
                    code: server.reportCode, message: server.data?.message ?? server.message, category: server.category)
            }
            throw error
        }
    }

    /// Closes every connection.
    public func close() async {
        for client in clients.values { await client.close() }
    }
}
