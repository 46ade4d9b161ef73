/// The `9` field: a big-endian bit vector of BOLT 9 features, bit 0 least significant; even bits are
/// compulsory ("it's OK to be odd").
public struct FeatureBits: Sendable, Hashable, Codable {
    /// The set bits, ascending.
    public private(set) var bits: [Int]

    public init(_ bits: some Sequence<Int> = []) {
        self.bits = Array(Set(bits.filter { $0 >= 0 })).sorted()
    }

    // BOLT 9 features that may appear in invoices (compulsory = even bit, optional = odd bit).
    public static let varOnionOptin = 8
    public static let paymentSecret = 14
    public static let basicMPP = 16
    public static let optionRouteBlinding = 24
    public static let optionPaymentMetadata = 48

    /// Features this decoder understands; an even bit outside them makes an invoice unpayable.
    public static let known: Set<Int> = [8, 9, 14, 15, 16, 17, 24, 25, 36, 37, 48, 49]

    /// What fm writes by default: var_onion_optin and payment_secret compulsory, basic_mpp optional.
    public static let `default` = FeatureBits([8, 14, 17])

    public func contains(_ bit: Int) -> Bool { bits.contains(bit) }

    /// Whether the feature is offered, as compulsory (even) or optional (odd) bit.
    public func supports(_ feature: Int) -> Bool { contains(feature & ~1) || contains(feature | 1) }

    /// BOLT 9 dependencies among the invoice features: payment_secret needs var_onion_optin, basic_mpp needs
    /// payment_secret.
    static let dependencies: [(feature: Int, requires: Int)] = [
        (paymentSecret, varOnionOptin), (basicMPP, paymentSecret),
    ]

    /// Throws when an unknown compulsory bit is set or a dependency is missing (the payer MUST NOT pay).
    public func validateForPayment() throws {
        let unknownEven = bits.filter { $0 % 2 == 0 && !Self.known.contains($0) }
        guard unknownEven.isEmpty else {
            throw Bolt11Error.unsupportedFeatures("unknown compulsory feature bit(s) \(unknownEven)")
        }
        for (feature, required) in Self.dependencies where supports(feature) && !supports(required) {
            throw Bolt11Error.unsupportedFeatures("feature \(feature) set without its dependency \(required)")
        }
    }

    /// 5-bit groups, most significant first, as few as hold the highest bit.
    var groups: [UInt8] {
        guard let highest = bits.last else { return [] }
        var out = [UInt8](repeating: 0, count: highest / 5 + 1)
        for bit in bits { out[out.count - 1 - bit / 5] |= UInt8(1 << (bit % 5)) }
        return out
    }

    init(groups: some Collection<UInt8>) {
        var set: [Int] = []
        for (index, group) in groups.reversed().enumerated() {
            for offset in 0..<5 where group & UInt8(1 << offset) != 0 { set.append(index * 5 + offset) }
        }
        self.init(set)
    }
}
