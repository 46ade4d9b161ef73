/// Failures of the threshold blind signature operations.
public enum TBSError: Error, Equatable, CustomStringConvertible {
    case notEnoughShares(needed: Int, got: Int)
    case duplicatePeer(Int)
    case invalidPeer(Int)

    public var description: String {
        switch self {
        case .notEnoughShares(let needed, let got):
            "cannot combine: \(got) signature shares, the threshold is \(needed)"
        case .duplicatePeer(let peer):
            "cannot combine: two signature shares from peer \(peer)"
        case .invalidPeer(let peer):
            "cannot combine: peer index \(peer) is negative"
        }
    }
}
