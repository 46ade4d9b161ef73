import FMCore
import FMEncoding

/// The first frame each side sends on a fresh connection: who it claims to be, and for which network.
///
/// The claim is only accepted if it names the peer whose pinned certificate the TLS handshake just verified, so a
/// guardian can never speak as another; and only if it names this network (the federation id, or the DKG's setup
/// digest), so a guardian that reuses its TLS identity in two federations cannot link one to the other.
struct Hello: Equatable, Sendable {
    /// Protocol name and version; bumped if the framing or hello ever change (2: the network id).
    static let magic: [UInt8] = Array("fm-p2p/2".utf8)

    let peer: PeerID
    let networkID: Hash256

    var bytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.writeFixed(Self.magic)
        encoder.write(peer)
        encoder.write(networkID)
        return encoder.bytes
    }

    init(peer: PeerID, networkID: Hash256) {
        self.peer = peer
        self.networkID = networkID
    }

    init(bytes: [UInt8]) throws(PeerNetworkError) {
        var decoder = CanonicalDecoder(bytes)
        do {
            guard try decoder.readFixed(Self.magic.count) == Self.magic else { throw PeerNetworkError.badHello("wrong protocol magic") }
            peer = try decoder.read(PeerID.self)
            networkID = try decoder.read(Hash256.self)
            try decoder.finish()
        } catch let error as PeerNetworkError {
            throw error
        } catch {
            throw .badHello("\(error)")
        }
    }
}
