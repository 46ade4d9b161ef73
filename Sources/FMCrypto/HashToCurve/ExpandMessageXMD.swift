import Crypto

/// `expand_message_xmd` with SHA-256 (RFC 9380 §5.3.1), the expander of the
/// `BLS12381G1_XMD:SHA-256_SSWU_RO_` suite.
public enum ExpandMessageXMD {
    /// SHA-256 output size (`b_in_bytes`).
    static let digestSize = 32
    /// SHA-256 block size (`s_in_bytes`), the length of the zero prefix `Z_pad`.
    static let blockSize = 64
    /// Prefix used to hash a domain separation tag longer than 255 bytes (RFC 9380 §5.3.3).
    static let oversizeTagPrefix = Array("H2C-OVERSIZE-DST-".utf8)

    /// Expands `message` into `length` uniformly random bytes bound to `domain`.
    ///
    /// A domain tag longer than 255 bytes is first replaced by
    /// `SHA-256("H2C-OVERSIZE-DST-" || domain)`, as RFC 9380 §5.3.3 requires.
    /// - Throws: ``HashToCurveError/outputTooLong(_:)`` if `length` exceeds
    ///   255 · 32 bytes (the spec's `ell <= 255` bound).
    public static func expand(
        _ message: some Collection<UInt8>, domain: some Collection<UInt8>, length: Int
    ) throws(HashToCurveError) -> [UInt8] {
        let blocks = (length + digestSize - 1) / digestSize
        guard length >= 0, blocks <= 255, length <= 65535 else { throw .outputTooLong(length) }
        let tag = effectiveTag(domain)
        let tagPrime = tag + [UInt8(tag.count)]

        var hasher = SHA256()
        hasher.update(data: [UInt8](repeating: 0, count: blockSize))
        hasher.update(data: Array(message))
        hasher.update(data: [UInt8(length >> 8), UInt8(length & 0xff), 0])
        hasher.update(data: tagPrime)
        let b0 = Array(hasher.finalize())

        var output: [UInt8] = []
        output.reserveCapacity(blocks * digestSize)
        var previous = [UInt8](repeating: 0, count: digestSize)
        for index in 1...max(blocks, 1) {
            // b_1 = H(b_0 || 1 || DST'); b_i = H((b_0 xor b_(i-1)) || i || DST').
            var block = SHA256()
            block.update(data: zip(b0, previous).map { $0 ^ $1 })
            block.update(data: [UInt8(index)])
            block.update(data: tagPrime)
            previous = Array(block.finalize())
            output += previous
        }
        return Array(output.prefix(length))
    }

    /// The tag actually used in `DST_prime`: the given one, or its hash if it is oversize.
    static func effectiveTag(_ domain: some Collection<UInt8>) -> [UInt8] {
        guard domain.count > 255 else { return Array(domain) }
        var hasher = SHA256()
        hasher.update(data: oversizeTagPrefix)
        hasher.update(data: Array(domain))
        return Array(hasher.finalize())
    }
}
