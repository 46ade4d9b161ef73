import FMConsensus
import FMCore
import FMSecp256k1

/// Signs this guardian's consensus votes with its secp256k1 consensus key (BIP-340 Schnorr over the vote digest).
public struct SchnorrVoteSigner: ConsensusSigner {
    public let peer: PeerID
    private let keypair: Keypair

    public init(peer: PeerID, keypair: Keypair) {
        self.peer = peer
        self.keypair = keypair
    }

    public func sign(digest: Hash256) -> [UInt8] { keypair.signSchnorr(message: digest.bytes).rawRepresentation }
}

/// Checks guardians' vote signatures against their x-only consensus public keys from the federation config.
public struct SchnorrVoteVerifier: ConsensusVerifier {
    public let keys: [PeerID: XOnlyPublicKey]

    public init(keys: [PeerID: XOnlyPublicKey]) {
        self.keys = keys
    }

    /// False for unknown peers and malformed signatures; never traps.
    public func isValidSignature(_ signature: [UInt8], of digest: Hash256, by peer: PeerID) -> Bool {
        guard let key = keys[peer], let signature = try? SchnorrSignature(rawRepresentation: signature) else {
            return false
        }
        return key.isValidSchnorrSignature(signature, for: digest.bytes)
    }
}
