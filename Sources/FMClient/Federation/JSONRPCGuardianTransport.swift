import FMClientCore
import FMCore
import FMRPC
import Foundation

/// ``GuardianTransport`` over JSON-RPC 2.0 / WebSocket: one ``JSONRPCClient`` per guardian API URL.
///
/// Connection failures and timeouts stay `.unreachable`; a guardian's JSON-RPC error becomes a
/// ``GuardianRejection`` carrying only the guardian's own code, message and category, so equal refusals from
/// different guardians compare equal, and "try again" answers (category `.unreachable`: `rate_limited`,
/// `too_many_in_flight`, `timeout`, `not_yet_processed`, `cancelled`) stay retryable.
///
/// A guardian may have several URLs, tried in order while the connection fails (the newest announced one, then the
/// one in the config). When every one fails to connect and `learnURLs` is set, the other guardians are asked once
/// for their signed API announcements (``APIAnnouncement``); `learnURLs` verifies and stores them and returns
/// the URLs to use, and the call is tried once more at the peer's new URL (a guardian that moved).
public final class JSONRPCGuardianTransport: GuardianTransport {
    /// Verifies and stores announcements, returning the newest URL of every peer it accepted one for.
    public typealias LearnURLs = @Sendable ([APIAnnouncement]) async -> [PeerID: String]

    private struct State {
        var urls: [PeerID: [String]]
        var clients: [String: JSONRPCClient] = [:]
        var asked: Set<PeerID> = []
    }

    private let state: NSLockedState<State>
    private let configuration: JSONRPCClient.Configuration
    private let learnURLs: LearnURLs?

    public init(
        apiURLs: [PeerID: [String]], configuration: JSONRPCClient.Configuration = .init(), learnURLs: LearnURLs? = nil
    ) {
        state = NSLockedState(State(urls: apiURLs))
        self.configuration = configuration
        self.learnURLs = learnURLs
    }

    public convenience init(apiURLs: [PeerID: String], configuration: JSONRPCClient.Configuration = .init()) {
        self.init(apiURLs: apiURLs.mapValues { [$0] }, configuration: configuration)
    }

    public convenience init(config: ClientConfig) {
        self.init(apiURLs: Dictionary(uniqueKeysWithValues: config.peers.map { ($0.peerId, $0.apiUrl) }))
    }

    public func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        do {
            return try await callKnownURLs(peer, method: method, params: params, timeout: timeout)
        } catch let error as JSONRPCClientError {
            guard case .unreachable = error, let learnURLs, let url = await learnNewURL(of: peer, learnURLs) else { throw error }
            return try await callURL(url, method: method, params: params, timeout: timeout)
        }
    }

    /// Tries `peer`'s URLs in order while the connection fails.
    private func callKnownURLs(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        let urls = state.withLock { $0.urls[peer] ?? [] }
        var lastError = JSONRPCClientError.unreachable(url: "\(peer)", reason: "no API URL known for \(peer)")
        for url in urls {
            do {
                return try await callURL(url, method: method, params: params, timeout: timeout)
            } catch let error as JSONRPCClientError {
                guard case .unreachable = error else { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private func callURL(_ url: String, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        let client = state.withLock { state in
            if let client = state.clients[url] { return client }
            let client = JSONRPCClient(url: url, configuration: configuration)
            state.clients[url] = client
            return client
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

    /// Asks every other guardian (once per peer and transport) for the announcements; the peer's URL when a newer
    /// one than those tried was accepted.
    private func learnNewURL(of peer: PeerID, _ learnURLs: LearnURLs) async -> String? {
        let (first, others) = state.withLock { state in
            (state.asked.insert(peer).inserted, state.urls.keys.filter { $0 != peer })
        }
        guard first else { return nil }
        let announcements = await withTaskGroup(of: [APIAnnouncement].self) { group in
            for other in others {
                group.addTask {
                    guard let answer = try? await self.callKnownURLs(
                        other, method: "api_announcements", params: .object([:]), timeout: .seconds(10)),
                        let decoded = try? answer.decode(AnnouncementList.self)
                    else { return [] }
                    return decoded.announcements
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        let learned = await learnURLs(announcements)
        return state.withLock { state in
            for (other, url) in learned where state.urls[other]?.first != url {
                state.urls[other] = [url] + (state.urls[other] ?? []).filter { $0 != url }
            }
            guard let url = learned[peer] else { return nil }
            return url
        }
    }

    /// Closes every connection.
    public func close() async {
        for client in state.withLock({ Array($0.clients.values) }) { await client.close() }
    }

    private struct AnnouncementList: Decodable {
        var announcements: [APIAnnouncement]
    }
}

/// A value behind an `NSLock`.
final class NSLockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
