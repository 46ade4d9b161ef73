// The ZCash/IETF serialization of BLS12-381 points, shared by G1 (48/96 bytes) and G2 (96/192 bytes).
// The three top bits of the first byte are flags: 0x80 compressed, 0x40 point at infinity, 0x20 sign of y
// (set iff y is lexicographically largest; compressed encodings only).

@usableFromInline let compressionFlag: UInt8 = 0x80
@usableFromInline let infinityFlag: UInt8 = 0x40
@usableFromInline let signFlag: UInt8 = 0x20

extension ProjectivePoint {
    /// x with the flag bits set, or the compressed point at infinity.
    var compressedEncoding: [UInt8] {
        guard let (x, y) = affine else {
            return [compressionFlag | infinityFlag] + [UInt8](repeating: 0, count: F.encodedLength - 1)
        }
        var bytes = x.encoded
        bytes[0] |= compressionFlag | (y.isLexicographicallyLargest() ? signFlag : 0)
        return bytes
    }

    /// x || y, or the uncompressed point at infinity.
    var uncompressedEncoding: [UInt8] {
        guard let (x, y) = affine else {
            return [infinityFlag] + [UInt8](repeating: 0, count: 2 * F.encodedLength - 1)
        }
        return x.encoded + y.encoded
    }

    /// Decodes a compressed encoding: checks the length, flags, x < p and that x is on the curve.
    /// The subgroup check is left to the caller.
    static func decodeCompressed(_ input: some Collection<UInt8>) throws(BLSError) -> ProjectivePoint {
        var bytes = Array(input)
        guard bytes.count == F.encodedLength else {
            throw .wrongLength(expected: F.encodedLength, actual: bytes.count)
        }
        let flags = bytes[0] & 0xe0
        bytes[0] &= 0x1f
        guard flags & compressionFlag != 0 else { throw .invalidFlags }
        if flags & infinityFlag != 0 {
            guard flags & signFlag == 0, bytes.allSatisfy({ $0 == 0 }) else { throw .invalidFlags }
            return .identity
        }
        guard let x = F.decode(bytes[...]) else { throw .nonCanonicalFieldElement }
        guard let y = (x.squared() * x + F.curveB).sqrt() else { throw .notOnCurve }
        let wantLargest = flags & signFlag != 0
        return ProjectivePoint(x: x, y: y.isLexicographicallyLargest() == wantLargest ? y : -y, z: .one)
    }

    /// Decodes an uncompressed encoding: checks the length, flags, coordinates < p and the curve equation.
    /// The subgroup check is left to the caller.
    static func decodeUncompressed(_ input: some Collection<UInt8>) throws(BLSError) -> ProjectivePoint {
        var bytes = Array(input)
        let n = F.encodedLength
        guard bytes.count == 2 * n else { throw .wrongLength(expected: 2 * n, actual: bytes.count) }
        let flags = bytes[0] & 0xe0
        bytes[0] &= 0x1f
        guard flags & (compressionFlag | signFlag) == 0 else { throw .invalidFlags }
        if flags & infinityFlag != 0 {
            guard bytes.allSatisfy({ $0 == 0 }) else { throw .invalidFlags }
            return .identity
        }
        guard let x = F.decode(bytes[0..<n]), let y = F.decode(bytes[n...]) else {
            throw .nonCanonicalFieldElement
        }
        let point = ProjectivePoint(x: x, y: y, z: .one)
        guard point.isOnCurve else { throw .notOnCurve }
        return point
    }
}
