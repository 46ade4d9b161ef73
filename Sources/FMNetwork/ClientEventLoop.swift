public import NIOPosix

/// The event loop that every outbound connection of this process runs on (the WebSocket API client, HTTP JSON-RPC
/// posts): one thread, so connection setups run one after another.
///
/// Why not NIO's multi-threaded singleton: on Linux the Swift runtime can crash (SIGSEGV, a null metadata in
/// `swift_conformsToProtocolMaybeInstantiateSuperclasses`) when two threads instantiate the same generic metadata
/// for the first time at once, and a client opening connections to several guardians in parallel did exactly that
/// on two event loops (`ByteToMessageHandler<HTTPResponseDecoder>` in NIO's HTTP client pipeline setup; seen in
/// CI as `fm-mint reissue` and `fm-mint balance` crashing). One thread is plenty for a client's handful of sockets:
/// decoding, cryptography and storage run off the loop.
public enum ClientEventLoop {
    public static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}
