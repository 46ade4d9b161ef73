import FMCore
import FMNetwork
import Foundation
internal import HummingbirdWSClient
import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore

/// A JSON-RPC 2.0 client over one WebSocket connection to one server (FMClient holds one per guardian).
///
/// Calls may be made concurrently; each gets its own id and the answers are matched by id, in
/// whatever order they arrive. The connection is opened by the first call and, after it drops,
/// opened again by the next call. Params are encoded and results decoded with
/// ``FMCore/JSONConventions``.
///
/// ```swift
/// let guardian = JSONRPCClient(url: "ws://127.0.0.1:8174/")
/// let count: UInt64 = try await guardian.call("session_count")
/// let outcome = try await guardian.call("await_transaction", params: ["txid": txid],
///                                       as: TransactionOutcome.self, timeout: .seconds(120))
/// ```
public actor JSONRPCClient {
    public struct Configuration: Sendable {
        /// Timeout of a call (connecting included) unless the call gives its own.
        public var callTimeout: Duration
        /// Largest request sent; larger ones fail with `.invalidRequest` without being sent. Keep it
        /// at or below the server's limit, which would answer with an error the client cannot match.
        public var maxRequestBytes: Int
        /// Largest response accepted; a larger one closes the connection.
        public var maxResponseBytes: Int

        public init(callTimeout: Duration = .seconds(30), maxRequestBytes: Int = 1 << 20, maxResponseBytes: Int = 64 << 20) {
            self.callTimeout = callTimeout
            self.maxRequestBytes = maxRequestBytes
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The server's WebSocket URL, e.g. `ws://127.0.0.1:8174/`.
    public nonisolated let url: String
    public nonisolated let configuration: Configuration
    private nonisolated let logger: Logger
    private nonisolated let requestIDs = NIOLockedValueBox<Int64>(0)

    private var state = ConnectionState.idle
    private var generation: UInt64 = 0
    private var pending: [Int64: PendingCall] = [:]

    public init(url: String, configuration: Configuration = Configuration(), logger: Logger? = nil) {
        self.url = url
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "fm.rpc.client")
    }

    // MARK: - Calls

    /// Calls `method` with `params` and decodes the result as `Result`.
    ///
    /// - Throws: ``JSONRPCClientError`` (`.server` carries the server's code, message and data),
    ///   or `CancellationError` when the calling task is cancelled.
    public nonisolated func call<Params: Encodable, Result: Decodable>(
        _ method: String, params: Params, as type: Result.Type = Result.self, timeout: Duration? = nil
    ) async throws -> Result {
        try await perform(method, params: Optional(params), timeout: timeout)
    }

    /// Calls `method` without params and decodes the result as `Result`.
    public nonisolated func call<Result: Decodable>(
        _ method: String, as type: Result.Type = Result.self, timeout: Duration? = nil
    ) async throws -> Result {
        try await perform(method, params: NoParams?.none, timeout: timeout)
    }

    /// Closes the connection; calls still waiting fail as unreachable. A later call reconnects.
    public func close() {
        disconnect(reason: "the client closed the connection")
    }

    private nonisolated func perform<Params: Encodable, Result: Decodable>(
        _ method: String, params: Params?, timeout: Duration?
    ) async throws -> Result {
        let id = requestIDs.withLockedValue { counter in
            counter += 1
            return counter
        }
        let request: Data
        do {
            request = try JSONConventions.encoder().encode(
                JSONRPCOutgoingRequest(id: .number(id), method: method, params: params))
        } catch {
            throw JSONRPCClientError.invalidRequest(method: method, reason: "params cannot be encoded: \(error)")
        }
        guard request.count <= configuration.maxRequestBytes else {
            throw JSONRPCClientError.invalidRequest(
                method: method, reason: "request of \(request.count) bytes exceeds \(configuration.maxRequestBytes)")
        }
        let timeout = timeout ?? configuration.callTimeout
        let answer = try await exchange(
            id: id, method: method, request: request, deadline: ContinuousClock.now + timeout, timeout: timeout)
        let envelope: JSONRPCResponseEnvelope<Result>
        do {
            envelope = try JSONConventions.strictDecode(JSONRPCResponseEnvelope<Result>.self, from: answer)
        } catch {
            throw JSONRPCClientError.invalidResponse(url: url, method: method, reason: "\(error)")
        }
        switch envelope.outcome {
        case .success(let result): return result
        case .failure(let error): throw JSONRPCClientError.server(url: url, method: method, error: error)
        }
    }

    /// Sends one request and waits for the message that answers it.
    private func exchange(
        id: Int64, method: String, request: Data, deadline: ContinuousClock.Instant, timeout: Duration
    ) async throws -> Data {
        let connection = try await connection(method: method, deadline: deadline, timeout: timeout)
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let timer = Task {
                    guard (try? await Task.sleep(until: deadline)) != nil else { return }
                    self.expire(id)
                }
                pending[id] = PendingCall(
                    continuation: continuation, timer: timer, generation: connection.generation, method: method,
                    timeout: timeout)
                if case .terminated = connection.outgoing.yield(request) {
                    // The connection ended and its end has not been processed yet.
                    connectionEnded(
                        generation: connection.generation,
                        failure: NetworkFailure(reason: "connection closed", detail: "the connection was closed"))
                }
            }
        } onCancel: {
            Task { await self.cancelCall(id) }
        }
    }

    private func expire(_ id: Int64) {
        guard let call = pending.removeValue(forKey: id) else { return }
        call.continuation.resume(throwing: JSONRPCClientError.timedOut(url: url, method: call.method, after: call.timeout))
    }

    private func cancelCall(_ id: Int64) {
        guard let call = pending.removeValue(forKey: id) else { return }
        call.timer.cancel()
        call.continuation.resume(throwing: CancellationError())
    }

    /// Routes an incoming message to the call it answers.
    private func received(_ message: Data) {
        let id = try? JSONDecoder().decode(JSONRPCResponseID.self, from: message).id
        guard case .number(let number) = id, let call = pending.removeValue(forKey: number) else {
            // A numeric id is a late answer to a call that timed out or was cancelled; anything
            // else (an error with id null) means the server could not read one of our requests.
            let level: Logger.Level = if case .number = id { .debug } else { .warning }
            logger.log(
                level: level, "unmatched JSON-RPC message",
                metadata: ["rpc.url": .string(url), "rpc.message": .string(String(decoding: message.prefix(300), as: UTF8.self))])
            return
        }
        call.timer.cancel()
        call.continuation.resume(returning: message)
    }

    // MARK: - Connection

    private enum ConnectionState {
        case idle
        case connecting(generation: UInt64, Task<Connection, any Error>, outgoing: AsyncStream<Data>.Continuation)
        case open(Connection)
    }

    private struct Connection: Sendable {
        let generation: UInt64
        let outgoing: AsyncStream<Data>.Continuation
    }

    private struct PendingCall {
        let continuation: CheckedContinuation<Data, any Error>
        let timer: Task<Void, Never>
        let generation: UInt64
        let method: String
        let timeout: Duration
    }

    /// The open connection, opening one if there is none.
    private func connection(method: String, deadline: ContinuousClock.Instant, timeout: Duration) async throws
        -> Connection
    {
        let attempt: Task<Connection, any Error>
        let attemptGeneration: UInt64
        switch state {
        case .open(let connection):
            return connection
        case .connecting(let generation, let task, _):
            (attemptGeneration, attempt) = (generation, task)
        case .idle:
            generation += 1
            let (outgoing, sink) = AsyncStream.makeStream(of: Data.self)
            (attemptGeneration, attempt) = (generation, startConnecting(generation: generation, outgoing: outgoing, sink: sink))
            state = .connecting(generation: generation, attempt, outgoing: sink)
        }
        do {
            let remaining = deadline - .now
            let connection = try await withDeadline(remaining) { try await attempt.value }
            if case .connecting(attemptGeneration, _, _) = state { state = .open(connection) }
            return connection
        } catch is DeadlineExceeded {
            // Give up on this attempt (a server that accepts but never completes the handshake must
            // not hold every later call): the next call starts afresh, and should this attempt still
            // open, its finished request stream closes it at once.
            if case .connecting(attemptGeneration, _, let outgoing) = state {
                outgoing.finish()
                state = .idle
            }
            throw JSONRPCClientError.timedOut(url: url, method: method, after: timeout)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if case .connecting(attemptGeneration, _, _) = state { state = .idle }
            let failure = NetworkFailure(webSocket: error)
            throw JSONRPCClientError.unreachable(url: url, reason: failure.reason, detail: failure.detail)
        }
    }

    /// Opens a WebSocket in a task that lives as long as the connection; returns once it is open.
    private func startConnecting(
        generation: UInt64, outgoing: AsyncStream<Data>, sink: AsyncStream<Data>.Continuation
    ) -> Task<Connection, any Error> {
        let opened = Promise<Void>()
        let (url, logger, configuration) = (self.url, self.logger, self.configuration)
        // The connection must not keep its client alive: when the client goes, deinit closes it.
        let owner = WeakReference(self)
        Task {
            var failure: (any Error)?
            do {
                try await WebSocketClient.connect(
                    url: url,
                    configuration: WebSocketClientConfiguration(maxFrameSize: configuration.maxResponseBytes),
                    eventLoopGroup: ClientEventLoop.group, logger: logger
                ) { inbound, outbound, _ in
                    opened.complete(.success(()))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await request in outgoing {
                                try await outbound.writeTextMessage(String(decoding: request, as: UTF8.self))
                            }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        for try await message in inbound.messages(maxSize: configuration.maxResponseBytes) {
                            guard case .text(let text) = message else { continue }
                            await owner.value?.received(Data(text.utf8))
                        }
                        group.cancelAll()
                    }
                }
            } catch {
                failure = error
            }
            opened.complete(.failure(failure ?? ConnectionClosed()))
            sink.finish()
            await owner.value?.connectionEnded(
                generation: generation, failure: failure.map { NetworkFailure(webSocket: $0) }
                    ?? NetworkFailure(reason: "connection closed by the server", detail: "closed by the server"))
        }
        return Task {
            try await opened.wait()
            return Connection(generation: generation, outgoing: sink)
        }
    }

    private func connectionEnded(generation: UInt64, failure: NetworkFailure) {
        switch state {
        case .open(let connection) where connection.generation == generation: state = .idle
        case .connecting(generation, _, _): state = .idle
        default: break
        }
        failPending(generation: generation, reason: "connection lost: \(failure.reason)", detail: failure.detail)
    }

    private func disconnect(reason: String) {
        switch state {
        case .open(let connection):
            connection.outgoing.finish()
            failPending(generation: connection.generation, reason: reason)
        case .connecting(let generation, _, let outgoing):
            outgoing.finish()
            failPending(generation: generation, reason: reason)
        case .idle:
            break
        }
        state = .idle
    }

    private func failPending(generation: UInt64, reason: String, detail: String? = nil) {
        let failed = pending.filter { $0.value.generation == generation }
        for (id, call) in failed {
            pending[id] = nil
            call.timer.cancel()
            call.continuation.resume(throwing: JSONRPCClientError.unreachable(url: url, reason: reason, detail: detail))
        }
    }

    deinit {
        switch state {
        case .open(let connection): connection.outgoing.finish()
        case .connecting(_, _, let outgoing): outgoing.finish()
        case .idle: break
        }
    }

    private struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection closed before it was established" }
    }

}

private final class WeakReference<Object: AnyObject & Sendable>: Sendable {
    weak let value: Object?
    init(_ value: Object) { self.value = value }
}
