import FMBLS12381

/// Decoding of compressed points into FMCrypto types: the curve library's
/// checks (length, flags, x < p, on curve, in subgroup), reported as a
/// ``CryptoEncodingError`` that names the type being decoded.
enum PointDecoding {
    static func g1(_ bytes: some Collection<UInt8>, type: String) throws(CryptoEncodingError) -> G1Point {
        guard bytes.count == 48 else { throw .wrongLength(type: type, expected: 48, actual: bytes.count) }
        do { return try G1Point(compressed: bytes) } catch { throw .invalidPoint(type: type, reason: error) }
    }

    static func g2(_ bytes: some Collection<UInt8>, type: String) throws(CryptoEncodingError) -> G2Point {
        guard bytes.count == 96 else { throw .wrongLength(type: type, expected: 96, actual: bytes.count) }
        do { return try G2Point(compressed: bytes) } catch { throw .invalidPoint(type: type, reason: error) }
    }

    /// A G2 public key: valid point and not the identity (IETF BLS KeyValidate).
    static func publicKey(_ bytes: some Collection<UInt8>, type: String) throws(CryptoEncodingError) -> G2Point {
        let point = try g2(bytes, type: type)
        guard !point.isIdentity else { throw .identityKey(type: type) }
        return point
    }
}
