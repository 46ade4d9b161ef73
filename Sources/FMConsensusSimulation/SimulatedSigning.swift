import Crypto
import FMConsensus
import FMCore

/// Fast stand-in signatures for simulations: HMAC-SHA256 under a per-guardian key.
///
/// A simulated Byzantine guardian only ever holds its own signer, so it cannot forge honest
/// guardians' votes, which is the property the protocol relies on. Not a real signature scheme
/// (verifying needs the key): production uses ``SchnorrConsensusSigner``.
public struct SimulatedSigner: ConsensusSigner {
    public let peer: PeerID
    let key: SymmetricKey

    public func sign(digest: Hash256) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: digest.bytes, using: key))
    }
}

/// The verifier matching ``SimulatedSigner``s derived from one seed.
public struct SimulatedVerifier: ConsensusVerifier {
    let keys: [PeerID: SymmetricKey]

    public func isValidSignature(_ signature: [UInt8], of digest: Hash256, by peer: PeerID) -> Bool {
        guard let key = keys[peer] else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: digest.bytes, using: key)
    }
}

/// Keys for a simulated federation, derived deterministically from a seed.
public struct SimulatedKeyring: Sendable {
    public let peers: [PeerID]
    private let keys: [PeerID: SymmetricKey]

    public init(peers: [PeerID], seed: UInt64) {
        self.peers = peers
        var random = SimulationRandom(seed: seed ^ 0x5EED_4B45_5953)
        var keys: [PeerID: SymmetricKey] = [:]
        for peer in peers { keys[peer] = SymmetricKey(data: random.bytes(32)) }
        self.keys = keys
    }

    public func signer(for peer: PeerID) -> SimulatedSigner { SimulatedSigner(peer: peer, key: keys[peer]!) }

    public var verifier: SimulatedVerifier { SimulatedVerifier(keys: keys) }
}
