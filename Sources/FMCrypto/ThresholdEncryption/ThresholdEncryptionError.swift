/// Why decryption shares could not be combined into the preimage.
public enum ThresholdEncryptionError: Error, Equatable, CustomStringConvertible {
    /// The ciphertext's proof does not verify, so no share of it can be checked.
    case invalidCiphertext
    /// These peers' shares do not verify against their public key shares (ascending peer order).
    case invalidShares(peers: [Int])
    /// A share from a peer without a public key share.
    case unknownPeer(Int)
    case duplicatePeer(Int)
    /// The valid shares given do not reach the threshold (or the public key shares are not one key's).
    case notEnoughShares(got: Int)

    public var description: String {
        switch self {
        case .invalidCiphertext:
            "cannot decrypt: the ciphertext is not well formed"
        case .invalidShares(let peers):
            peers.count == 1
                ? "cannot decrypt: invalid decryption share from peer \(peers[0])"
                : "cannot decrypt: invalid decryption shares from peers "
                    + peers.map(String.init).joined(separator: ", ")
        case .unknownPeer(let peer):
            "cannot decrypt: decryption share from peer \(peer), which has no public key share"
        case .duplicatePeer(let peer):
            "cannot decrypt: two decryption shares from peer \(peer)"
        case .notEnoughShares(let got):
            "cannot decrypt: \(got) valid decryption share\(got == 1 ? "" : "s") do not reach the threshold"
        }
    }
}
