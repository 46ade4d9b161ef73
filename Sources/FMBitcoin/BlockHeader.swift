/// An 80-byte block header.
public struct BlockHeader: Sendable, Hashable {
    public var version: Int32
    public var previousBlockHash: Hash256
    public var merkleRoot: Hash256
    public var time: UInt32
    /// Compact encoding of the proof-of-work target.
    public var bits: UInt32
    public var nonce: UInt32

    public init(version: Int32, previousBlockHash: Hash256, merkleRoot: Hash256, time: UInt32, bits: UInt32, nonce: UInt32) {
        self.version = version
        self.previousBlockHash = previousBlockHash
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
    }

    public init(serialized bytes: some Collection<UInt8>) throws {
        var reader = BitcoinReader(bytes)
        try self.init(from: &reader)
        try reader.finish("block header")
    }

    public init(from reader: inout BitcoinReader) throws {
        version = try reader.readInt32(field: "block version")
        previousBlockHash = Hash256(unchecked: try reader.readBytes(32, field: "previous block hash"))
        merkleRoot = Hash256(unchecked: try reader.readBytes(32, field: "merkle root"))
        time = try reader.readUInt32(field: "block time")
        bits = try reader.readUInt32(field: "block bits")
        nonce = try reader.readUInt32(field: "block nonce")
    }

    public func write(to writer: inout BitcoinWriter) {
        writer.write(version)
        writer.write(raw: previousBlockHash.bytes)
        writer.write(raw: merkleRoot.bytes)
        writer.write(time)
        writer.write(bits)
        writer.write(nonce)
    }

    /// The 80 bytes.
    public var serialized: [UInt8] {
        var writer = BitcoinWriter()
        write(to: &writer)
        return writer.bytes
    }

    public var hash: Hash256 { Hash256.of(serialized) }

    /// The target encoded by ``bits``, or `nil` if the encoding is negative, zero or overflows 256 bits.
    public var target: Target? { Target(compact: bits) }

    /// Whether the header hash, read as a little-endian 256-bit number, is at most the target.
    public var hasValidProofOfWork: Bool {
        guard let target else { return false }
        return Target(bigEndian: hash.bytes.reversed()) <= target
    }
}

/// A 256-bit proof-of-work target.
public struct Target: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 32 bytes, most significant first.
    public let bigEndian: [UInt8]

    public init(bigEndian: [UInt8]) {
        precondition(bigEndian.count == 32, "a target is 32 bytes")
        self.bigEndian = bigEndian
    }

    /// Decodes nBits as Bitcoin Core's `arith_uint256::SetCompact`: the low 23 bits are the
    /// mantissa, the top byte the size in bytes, bit 23 the sign. Negative, zero or
    /// overflowing values give `nil` (Core's `CheckProofOfWork` refuses them).
    public init?(compact: UInt32) {
        let size = Int(compact >> 24)
        var mantissa = compact & 0x007f_ffff
        let negative = compact & 0x0080_0000 != 0
        var bytes = [UInt8](repeating: 0, count: 32)
        if size <= 3 {
            mantissa >>= 8 * UInt32(3 - size)
            for i in 0..<3 { bytes[31 - i] = UInt8(truncatingIfNeeded: mantissa >> (8 * UInt32(i))) }
        } else {
            let overflow = mantissa != 0 && (size > 34 || (mantissa > 0xff && size > 33) || (mantissa > 0xffff && size > 32))
            if overflow { return nil }
            for i in 0..<3 {
                let position = 31 - (size - 3) - i  // byte i of the mantissa, shifted left by size-3 bytes
                let byte = UInt8(truncatingIfNeeded: mantissa >> (8 * UInt32(i)))
                if position >= 0 { bytes[position] = byte } else if byte != 0 { return nil }
            }
        }
        if negative && mantissa != 0 { return nil }
        guard bytes.contains(where: { $0 != 0 }) else { return nil }
        bigEndian = bytes
    }

    /// The compact nBits encoding (Bitcoin Core's `GetCompact`).
    public var compact: UInt32 {
        guard let first = bigEndian.firstIndex(where: { $0 != 0 }) else { return 0 }
        var size = 32 - first
        var mantissa: UInt32 = 0
        for i in 0..<3 {
            let index = first + i
            mantissa = mantissa << 8 | (index < 32 ? UInt32(bigEndian[index]) : 0)
        }
        if mantissa & 0x0080_0000 != 0 {
            mantissa >>= 8
            size += 1
        }
        return UInt32(size) << 24 | mantissa
    }

    public static func < (lhs: Target, rhs: Target) -> Bool { lhs.bigEndian.lexicographicallyPrecedes(rhs.bigEndian) }

    /// The regtest proof-of-work limit, nBits 0x207fffff.
    public static let regtestLimit = Target(compact: 0x207f_ffff)!

    public var description: String { Hex.encode(bigEndian) }
}
