#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
#endif
import Foundation

/// A plain blocking TCP connection to the server, from a chosen loopback source address, for tests of
/// what the server does below HTTP: garbage, idle and half-open connections, per-address caps, and how
/// a connection ends (a clean FIN or a reset).
public final class RawTCPClient {
    public enum End: Equatable, Sendable {
        /// The server closed cleanly (FIN).
        case closed
        /// The connection was reset (RST): whatever the server wrote last may have been lost.
        case reset
        /// Still open when the wait ended.
        case stillOpen
    }

    private let descriptor: Int32

    /// Connects to `127.0.0.1:port` from `source` (any 127.0.0.0/8 address).
    public init(port: Int, from source: String = "127.0.0.1") throws {
        let descriptor = socket(AF_INET, streamSocket, 0)
        guard descriptor >= 0 else { throw Failure(step: "socket", code: errno) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        remote.sin_port = UInt16(port).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connected = withUnsafePointer(to: &local) { localPointer in
            withUnsafePointer(to: &remote) { remotePointer in
                localPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { localAddress in
                    remotePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { remoteAddress in
                        bind(descriptor, localAddress, length) == 0 && connect(descriptor, remoteAddress, length) == 0
                    }
                }
            }
        }
        guard connected else {
            let code = errno
            close(descriptor)
            throw Failure(step: "bind/connect from \(source)", code: code)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Sends all of `bytes`; throws when the connection fails (e.g. reset by the server).
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(step: "send", code: errno) }
            offset += sent
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Half-closes: no more bytes from this side (FIN), the server may still answer.
    public func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads until the server closes or `timeout` passes; returns what arrived and how it ended.
    public func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], end: End) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return (received, .stillOpen) }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 {
                return (received, .closed)
            } else if errno == ECONNRESET {
                return (received, .reset)
            } else if errno != EINTR {
                return (received, .reset)
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let step: String
        public let code: Int32
        public var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
    }
}

/// A complete HTTP/1.1 `POST /rpc` with `body`, asking the server to close afterwards.
public func rawRPCRequest(_ body: String) -> String { rawPOST("/rpc", body) }

/// A complete HTTP/1.1 `POST path` with the JSON `body`, asking the server to close afterwards.
public func rawPOST(_ path: String, _ body: String) -> String {
    "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        + "Connection: close\r\n\r\n" + body
}

/// One `POST /rpc` over a fresh connection from `source`; the whole response text.
public func rawRPC(port: Int, from source: String, _ body: String) throws -> String {
    let client = try RawTCPClient(port: port, from: source)
    try client.send(rawRPCRequest(body))
    return String(decoding: client.readUntilClosed(timeout: .seconds(5)).bytes, as: UTF8.self)
}
