import FMCore
import FMSecp256k1

/// Signs consensus votes with a guardian's secp256k1 consensus key (BIP-340 Schnorr over the
/// 32-byte ``VoteStatement/signingDigest(in:)``).
public struct SchnorrConsensusSigner: ConsensusSigner {
    public let peer: PeerID
    private let keypair: Keypair

    public init(peer: PeerID, keypair: Keypair) {
        self.peer = peer
        self.keypair = keypair
    }

    /// The public key peers verify this signer's votes with.
    public var publicKey: XOnlyPublicKey { keypair.xOnlyPublicKey }

    /// A 64-byte BIP-340 signature (fresh auxiliary randomness, as BIP-340 recommends).
    public func sign(digest: Hash256) -> [UInt8] {
        keypair.signSchnorr(message: digest.bytes).rawRepresentation
    }
}

/// Verifies votes against the guardians' BIP-340 consensus public keys.
public struct SchnorrConsensusVerifier: ConsensusVerifier {
    public let publicKeys: [PeerID: XOnlyPublicKey]

    public init(publicKeys: [PeerID: XOnlyPublicKey]) {
        self.publicKeys = publicKeys
    }

    public func isValidSignature(_ signature: [UInt8], of digest: Hash256, by peer: PeerID) -> Bool {
        guard let key = publicKeys[peer], signature.count == 64,
            let parsed = try? SchnorrSignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSchnorrSignature(parsed, for: digest.bytes)
    }
}
