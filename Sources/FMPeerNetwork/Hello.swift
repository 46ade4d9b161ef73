import FMCore
import FMEncoding

/// The first frame each side sends on a fresh connection: who it claims to be.
///
/// The claim is only accepted if it names the peer whose pinned certificate the TLS handshake just verified, so a
/// guardian can never speak as another.
struct Hello: Equatable, Sendable {
    /// Protocol name and version; bumped if the framing or hello ever change.
    static let magic: [UInt8] = Array("fm-p2p/1".utf8)

    let peer: PeerID

    var bytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Self.magic)
        encoder.write(peer)
        return encoder.bytes
    }

    init(peer: PeerID) { self.peer = peer }

    init(bytes: [UInt8]) throws(PeerNetworkError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            guard try decoder.readFixed(Self.magic.count) == Self.magic else { throw PeerNetworkError.badHello("wrong protocol magic") }
            peer = try decoder.read(PeerID.self)
            try decoder.finish()
        } catch let error as PeerNetworkError {
            throw error
        } catch {
            throw .badHello("\(error)")
        }
    }
}
