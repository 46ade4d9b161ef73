/// Accumulated proof of work, a 256-bit number, as Bitcoin Core's `chainwork`.
public struct ChainWork: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Four 64-bit limbs, least significant first.
    private var limbs: [UInt64]

    public static let zero = ChainWork(limbs: [0, 0, 0, 0])

    private init(limbs: [UInt64]) { self.limbs = limbs }

    /// From 32 big-endian bytes.
    public init(bigEndian bytes: [UInt8]) {
        precondition(bytes.count == 32, "chain work is 32 bytes")
        limbs = (0..<4).map { limb in
            (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[(3 - limb) * 8 + $1]) }
        }
    }

    public var bigEndian: [UInt8] {
        (0..<32).map { i in UInt8(truncatingIfNeeded: limbs[3 - i / 8] >> (8 * UInt64(7 - i % 8))) }
    }

    /// The expected number of hashes to meet `target`: `2^256 / (target + 1)`, computed as
    /// Core's `GetBlockProof` does, `~target / (target + 1) + 1`.
    public init(target: Target) {
        let t = ChainWork(bigEndian: target.bigEndian)
        let divisor = t.adding(ChainWork(limbs: [1, 0, 0, 0]))
        let complement = ChainWork(limbs: t.limbs.map { ~$0 })
        self = complement.dividing(by: divisor).adding(ChainWork(limbs: [1, 0, 0, 0]))
    }

    /// Wrapping 256-bit addition (real chain work never comes near 2^256).
    public func adding(_ other: ChainWork) -> ChainWork {
        var result = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (partial, overflow1) = limbs[i].addingReportingOverflow(other.limbs[i])
            let (sum, overflow2) = partial.addingReportingOverflow(carry)
            result[i] = sum
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        return ChainWork(limbs: result)
    }

    public static func + (lhs: ChainWork, rhs: ChainWork) -> ChainWork { lhs.adding(rhs) }

    /// Shift-and-subtract long division; `divisor` must be non-zero.
    private func dividing(by divisor: ChainWork) -> ChainWork {
        var quotient = [UInt64](repeating: 0, count: 4)
        var remainder = ChainWork.zero
        for bit in stride(from: 255, through: 0, by: -1) {
            remainder = remainder.shiftedLeftByOne()
            if (limbs[bit / 64] >> UInt64(bit % 64)) & 1 == 1 { remainder.limbs[0] |= 1 }
            if remainder >= divisor {
                remainder = remainder.subtracting(divisor)
                quotient[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return ChainWork(limbs: quotient)
    }

    private func shiftedLeftByOne() -> ChainWork {
        var result = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 { result[i] = limbs[i] << 1 | (i > 0 ? limbs[i - 1] >> 63 : 0) }
        return ChainWork(limbs: result)
    }

    private func subtracting(_ other: ChainWork) -> ChainWork {
        var result = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (partial, overflow1) = limbs[i].subtractingReportingOverflow(other.limbs[i])
            let (difference, overflow2) = partial.subtractingReportingOverflow(borrow)
            result[i] = difference
            borrow = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        return ChainWork(limbs: result)
    }

    public static func < (lhs: ChainWork, rhs: ChainWork) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where lhs.limbs[i] != rhs.limbs[i] { return lhs.limbs[i] < rhs.limbs[i] }
        return false
    }

    /// 64 hex digits, as `getblockchaininfo` prints `chainwork`.
    public var description: String { Hex.encode(bigEndian) }
}

extension Target {
    /// The work a block at this target represents.
    public var work: ChainWork { ChainWork(target: self) }
}
