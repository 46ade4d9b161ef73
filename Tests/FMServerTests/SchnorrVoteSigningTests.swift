import FMCore
import FMSecp256k1
import FMServer
import Testing

@Suite struct SchnorrVoteSigningTests {
    @Test func signaturesVerifyOnlyForTheSignerAndDigest() {
        let keys = [Keypair(), Keypair()]
        let verifier = SchnorrVoteVerifier(keys: [PeerID(0): keys[0].xOnlyPublicKey, PeerID(1): keys[1].xOnlyPublicKey])
        let signer = SchnorrVoteSigner(peer: PeerID(0), keypair: keys[0])
        let digest = Hash256.sha256(Array("vote".utf8))
        let signature = signer.sign(digest: digest)
        #expect(signature.count == 64)
        #expect(verifier.isValidSignature(signature, of: digest, by: PeerID(0)))
        #expect(!verifier.isValidSignature(signature, of: digest, by: PeerID(1)))
        #expect(!verifier.isValidSignature(signature, of: Hash256.sha256([1]), by: PeerID(0)))
        #expect(!verifier.isValidSignature(signature, of: digest, by: PeerID(9)))
        #expect(!verifier.isValidSignature([1, 2, 3], of: digest, by: PeerID(0)))
    }
}
