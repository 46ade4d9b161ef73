import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A JSON-RPC 2.0 client for Core Lightning's unix socket `lightning-rpc` (the protocol of `lightning-cli` and
/// pyln-client, lightningd v26.06): each request is a JSON object written to the socket, answers come back as a
/// stream of JSON objects matched by id.
///
/// One connection is shared by all calls. When it breaks (the node stopped or restarted), calls waiting on it fail
/// with ``LightningRPCError/connectionLost(method:)`` and the next call connects again, so a restarted node is
/// picked up without a new client. Calls are never retried automatically: `pay` may have gone out.
public final class LightningRPCClient: Sendable {
    public let socketPath: String
    /// Default time a call may take (a `pay` or `waitanyinvoice` can pass its own).
    public let timeout: Duration
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var connection: EventLoopFuture<any Channel>?
        var generation: UInt64 = 0
        var nextID: UInt64 = 0
    }

    /// - Throws: ``LightningRPCError/invalidSocketPath(_:)`` when the path cannot name a unix socket.
    public init(
        socketPath: String, timeout: Duration = .seconds(60),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        // sun_path holds 108 bytes on Linux (104 on macOS), including the terminating NUL.
        guard !socketPath.isEmpty, socketPath.utf8.count < 104, !socketPath.utf8.contains(0) else {
            throw LightningRPCError.invalidSocketPath(socketPath)
        }
        self.socketPath = socketPath
        self.timeout = timeout
        self.group = group
    }

    /// Calls `M.method` with `request` as named parameters and decodes the result.
    public func call<M: LightningRPCMethod>(_ request: M, timeout: Duration? = nil) async throws -> M.Response {
        let method = M.method
        let id = state.withLockedValue { state -> String in
            state.nextID += 1
            return "fm:\(method)#\(state.nextID)"
        }
        let bytes = try JSONEncoder().encode(JSONRPCRequest(id: .string(id), method: method, params: request))
        let channel = try await connectedChannel()
        let promise = channel.eventLoop.makePromise(of: [UInt8].self)
        let call = OutboundCall(
            id: id, method: method, bytes: Array(bytes), timeout: Self.timeAmount(timeout ?? self.timeout),
            promise: promise)
        channel.writeAndFlush(call).whenFailure { _ in promise.fail(LightningRPCError.connectionLost(method: method)) }
        let reply = try await promise.futureResult.get()
        let response: JSONRPCResponse<M.Response>
        do {
            response = try JSONDecoder().decode(JSONRPCResponse<M.Response>.self, from: Data(reply))
        } catch {
            throw LightningRPCError.invalidResponse(method: method, reason: Self.describe(error))
        }
        if let error = response.error {
            throw LightningRPCError.server(method: method, code: error.code, message: error.message, data: error.data)
        }
        guard let result = response.result else {
            throw LightningRPCError.invalidResponse(method: method, reason: "neither result nor error")
        }
        return result
    }

    /// Closes the connection (calls waiting on it fail); a later call reconnects.
    public func close() async {
        let connection = state.withLockedValue { state in
            defer { state.connection = nil }
            return state.connection
        }
        if let channel = try? await connection?.get() { try? await channel.close() }
    }

    private func connectedChannel(redialed: Bool = false) async throws -> any Channel {
        let (future, generation, isNew) = state.withLockedValue { state in
            if let existing = state.connection { return (existing, state.generation, false) }
            state.generation += 1
            let future = ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RPCConnectionHandler())
                    }
                }
                .connect(unixDomainSocketPath: socketPath)
            state.connection = future
            return (future, state.generation, true)
        }
        if isNew {
            // Forget the connection when it fails or closes, so the next call dials again.
            let forget: @Sendable () -> Void = { [state] in
                state.withLockedValue { if $0.generation == generation { $0.connection = nil } }
            }
            future.whenComplete { result in
                switch result {
                case .failure: forget()
                case .success(let channel): channel.closeFuture.whenComplete { _ in forget() }
                }
            }
        }
        let channel: any Channel
        do {
            channel = try await future.get()
        } catch {
            throw LightningRPCError.cannotConnect(socketPath: socketPath, reason: Self.describe(error))
        }
        // A connection the node closed fails its waiting calls before its close future forgets it (on the event
        // loop, a moment later): a call in between would be written to the dead channel and fail "connection lost"
        // though nothing was sent. Forget it here and dial again (nothing was sent yet, so this is no retry).
        // Once: a node that closes every new connection at once gets the dead channel and "connection lost".
        if !channel.isActive && !redialed {
            state.withLockedValue { if $0.generation == generation { $0.connection = nil } }
            return try await connectedChannel(redialed: true)
        }
        return channel
    }

    /// At most a year: NIO adds the timeout to the current uptime, which must not overflow.
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return .zero }
        let year: Int64 = 365 * 24 * 3600
        guard seconds < year else { return .seconds(year) }
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case let error as IOError: error.description
        default: "\(error)"
        }
    }
}
