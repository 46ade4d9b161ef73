// Stand-in for ExpandMessageXMD (SHA-256 is not what is being measured): deterministic bytes.
public enum ExpandMessageXMD {
    public static func expand(_ message: some Collection<UInt8>, domain: some Collection<UInt8>, length: Int) throws(HashToCurveError) -> [UInt8] {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for b in message { state = (state ^ UInt64(b)) &* 0x100_0000_01b3 }
        var out = [UInt8]()
        for _ in 0..<length { state = state &* 6364136223846793005 &+ 1442695040888963407; out.append(UInt8(truncatingIfNeeded: state >> 33)) }
        return out
    }
}
public enum DomainTags { public static let mintMessage = Array("BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_".utf8) }
