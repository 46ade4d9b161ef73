import FMCore
import NIOCore
import NIOSSL

/// TLS 1.3 contexts for guardian links, where trust is exact certificate pinning.
///
/// No CA, hostname or validity checks take part: a peer is accepted only if its leaf certificate's DER is
/// byte-for-byte one we were told to expect from setup codes. Both sides present certificates (mutual TLS).
struct PinnedTLS: Sendable {
    let serverContext: NIOSSLContext
    let clientContext: NIOSSLContext
    /// Pinned certificate DER → the peer it authenticates.
    let pins: [[UInt8]: PeerID]

    /// The ALPN protocol a guardian that sends control frames (``LinkProbe``) offers and accepts. A peer that does
    /// not negotiate it (an older version: no ALPN at all) is never sent one, so versions can be mixed.
    static let probeProtocol = "fm-p2p-probe/1"

    /// `probing`: offer and accept ``probeProtocol``.
    init(identity: TLSIdentity, peers: [PeerID: PeerEndpoint], probing: Bool) throws {
        let certificate = try NIOSSLCertificate(bytes: identity.certificate.derBytes, format: .der)
        let key = try NIOSSLPrivateKey(bytes: Array(identity.privateKeyPEM.utf8), format: .pem)
        func pinned(_ base: TLSConfiguration) -> TLSConfiguration {
            var configuration = base
            configuration.certificateChain = [.certificate(certificate)]
            configuration.privateKey = .privateKey(key)
            configuration.minimumTLSVersion = .tlsv13
            configuration.maximumTLSVersion = .tlsv13
            // Demands the peer's certificate; the custom callback below replaces chain validation entirely.
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates([])
            if probing { configuration.applicationProtocols = [Self.probeProtocol] }
            return configuration
        }
        self.serverContext = try NIOSSLContext(configuration: pinned(.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))))
        self.clientContext = try NIOSSLContext(configuration: pinned(.makeClientConfiguration()))
        self.pins = Dictionary(uniqueKeysWithValues: peers.map { ($0.value.certificate.derBytes, $0.key) })
    }

    /// The peer whose pinned certificate this is, if any.
    func peer(presenting certificate: NIOSSLCertificate) -> PeerID? {
        guard let der = try? certificate.toDERBytes() else { return nil }
        return pins[der]
    }

    /// Accepts a handshake only if the leaf certificate is pinned to a peer for which `accept` is true.
    func verifier(
        accepting accept: @escaping @Sendable (PeerID) -> Bool
    ) -> NIOSSLCustomVerificationCallback {
        { [pins] chain, promise in
            guard let leaf = chain.first, let der = try? leaf.toDERBytes(), let peer = pins[der], accept(peer) else {
                promise.succeed(.failed)
                return
            }
            promise.succeed(.certificateVerified)
        }
    }

    /// A handler for a connection we accepted: any peer allowed by `accept` may connect.
    func serverHandler(accepting accept: @escaping @Sendable (PeerID) -> Bool) -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: serverContext, customVerificationCallback: verifier(accepting: accept))
    }

    /// A handler for a connection we dial: only `peer`'s certificate is accepted.
    func clientHandler(expecting peer: PeerID) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(
            context: clientContext, serverHostname: nil, customVerificationCallback: verifier(accepting: { $0 == peer }))
    }
}
