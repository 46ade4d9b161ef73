#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// A network-layer failure (from the API client or the bitcoin RPC client) said the way a person acts on it ("connection refused", "host name not found"),
/// with the transport's raw error kept apart as `detail` (shown under `--verbose` and in the JSON `detail`
/// field, never in the one-line message).
public struct NetworkFailure: Sendable, Equatable {
    public let reason: String
    public let detail: String

    public init(reason: String, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// Classifies `error` from NIO; `classify` may name errors of the caller's own layer first. Anything
    /// unknown is "connection failed".
    public init(_ error: any Error, classify: (any Error) -> String? = { _ in nil }) {
        self.init(
            reason: classify(error) ?? Self.reason(for: error) ?? "connection failed", detail: String(describing: error))
    }

    private static func reason(for error: any Error) -> String? {
        switch error {
        case let connection as NIOConnectionError:
            if let first = connection.connectionErrors.first { return reason(for: first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil { return "host name not found" }
            return nil
        case let io as IOError:
            return reason(errno: io.errnoCode)
        case let channel as ChannelError:
            switch channel {
            case .connectTimeout(let amount): return "connection timed out after \(Duration(amount).spoken)"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return "connection closed"
            default: return nil
            }
        case is SocketAddressError:
            return "host name not found"
        default:
            return nil
        }
    }

    private static func reason(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ETIMEDOUT: "connection timed out"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        case ECONNRESET: "connection reset"
        case EPIPE: "connection closed"
        default: "network error (\(String(cString: strerror(code))))"
        }
    }
}

extension Duration {
    /// `5 s`, `1.5 s`, `200 ms`: for messages people read.
    public var spoken: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }
}
