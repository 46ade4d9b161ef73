import NIOCore
import NIOPosix

/// Free ports on 127.0.0.1 for local federations (tests, benchmarks, the loopback harness).
public enum LoopbackPorts {
    /// Binds `count` ephemeral ports at once (so they differ), then releases them for the caller to use.
    /// Another process could take one meanwhile: for local runs, never for production listeners.
    public static func reserve(_ count: Int) async throws -> [Int] {
        var channels: [any Channel] = []
        for _ in 0..<count {
            channels.append(
                try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: "127.0.0.1", port: 0).get())
        }
        let ports = channels.map { $0.localAddress!.port! }
        for channel in channels { try await channel.close() }
        return ports
    }
}
