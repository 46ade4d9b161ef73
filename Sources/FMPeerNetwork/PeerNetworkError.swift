import FMCore

/// Why the peer network refused or dropped a connection, or could not start.
public enum PeerNetworkError: Error, Equatable, CustomStringConvertible {
    /// A frame header announced more bytes than the configured limit; the connection is closed.
    case frameTooLarge(size: Int, limit: Int)
    /// The first frame was not a well-formed hello.
    case badHello(String)
    /// The hello named a different peer than the pinned certificate the handshake verified.
    case helloDoesNotMatchCertificate(claimed: PeerID, authenticated: PeerID?)
    /// An authenticated peer's hello names another network (another federation, or another DKG).
    case otherNetwork(PeerID)
    /// A peer connected although by the dialing rule it should not (only lower ids dial higher ones).
    case unexpectedDialer(PeerID)
    /// The configuration is inconsistent (e.g. our own id among the peers, a peer without certificate).
    case invalidConfiguration(String)
    /// The network was asked to run twice, or after shutdown.
    case alreadyRunning
    /// No hello arrived within the handshake timeout.
    case handshakeTimedOut

    public var description: String {
        switch self {
        case .frameTooLarge(let size, let limit): "peer frame of \(size) bytes exceeds the limit of \(limit) bytes"
        case .badHello(let why): "malformed hello from peer: \(why)"
        case .helloDoesNotMatchCertificate(let claimed, let authenticated):
            "hello claims \(claimed) but the TLS certificate is \(authenticated.map { "\($0)'s" } ?? "no known peer's")"
        case .otherNetwork(let peer):
            "\(peer) runs another federation or DKG (its hello names another network id); check its configuration"
        case .unexpectedDialer(let peer): "\(peer) dialed us, but only lower peer ids dial higher ones"
        case .invalidConfiguration(let why): "invalid peer network configuration: \(why)"
        case .alreadyRunning: "the peer network is already running or was shut down"
        case .handshakeTimedOut: "peer did not complete the TLS handshake and hello in time"
        }
    }
}
