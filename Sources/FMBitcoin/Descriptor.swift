import FMSecp256k1

/// Output descriptor checksums (BIP-380).
public enum DescriptorChecksum {
    private static let inputCharset = Array(
        "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ".utf8)
    private static let checksumCharset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    private static func polymod(_ symbols: [UInt64]) -> UInt64 {
        let generator: [UInt64] = [0xf5_dee5_1989, 0xa9_fdca_3312, 0x1b_ab10_e32d, 0x37_06b1_677a, 0x64_4d62_6ffd]
        var chk: UInt64 = 1
        for value in symbols {
            let top = chk >> 35
            chk = (chk & 0x7_ffff_ffff) << 5 ^ value
            for i in 0..<5 where (top >> UInt64(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    /// The 8-character checksum of `descriptor` (without `#`).
    /// - Throws: ``BitcoinError/invalidDescriptor(_:)`` for a character outside the descriptor charset.
    public static func checksum(_ descriptor: String) throws -> String {
        var symbols: [UInt64] = []
        var groups: [UInt64] = []
        for c in descriptor.utf8 {
            guard let position = inputCharset.firstIndex(of: c) else {
                throw BitcoinError.invalidDescriptor("character '\(Character(Unicode.Scalar(c)))' not allowed")
            }
            symbols.append(UInt64(position & 31))
            groups.append(UInt64(position >> 5))
            if groups.count == 3 {
                symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
                groups = []
            }
        }
        if groups.count == 1 { symbols.append(groups[0]) }
        if groups.count == 2 { symbols.append(groups[0] * 3 + groups[1]) }
        let value = polymod(symbols + [0, 0, 0, 0, 0, 0, 0, 0]) ^ 1
        return String(decoding: (0..<8).map { checksumCharset[Int((value >> (5 * (7 - UInt64($0)))) & 31)] }, as: UTF8.self)
    }

    /// `descriptor#checksum`.
    public static func appending(to descriptor: String) throws -> String { "\(descriptor)#\(try checksum(descriptor))" }

    /// Splits off and verifies a `#checksum` suffix; a descriptor without one is returned as is
    /// unless `required`.
    public static func verify(_ string: String, required: Bool = false) throws -> String {
        guard let hash = string.lastIndex(of: "#") else {
            if required { throw BitcoinError.invalidDescriptor("missing checksum") }
            return string
        }
        let body = String(string[..<hash])
        let given = String(string[string.index(after: hash)...])
        guard given.utf8.count == 8 else { throw BitcoinError.invalidDescriptor("checksum must be 8 characters, got \"\(given)\"") }
        let expected = try checksum(body)
        guard given == expected else { throw BitcoinError.invalidDescriptor("checksum \"\(given)\" does not match, expected \"\(expected)\"") }
        return body
    }
}

/// The federation's output descriptor: `wsh(multi(k, keys…))` or `wsh(sortedmulti(k, keys…))`
/// with hex public keys.
public struct MultisigDescriptor: Sendable, Hashable, CustomStringConvertible, Codable {
    public let threshold: Int
    /// Keys in the order written in the descriptor.
    public let keys: [PublicKey]
    /// `sortedmulti` (BIP-67 order in the script) rather than `multi`.
    public let sorted: Bool

    /// - Throws: ``BitcoinError/invalidScript(_:)`` unless 1 ≤ threshold ≤ keys ≤ 16.
    public init(threshold: Int, keys: [PublicKey], sorted: Bool = true) throws {
        _ = try Script.multisig(threshold: threshold, keys)  // validates k and n
        self.threshold = threshold
        self.keys = keys
        self.sorted = sorted
    }

    /// Parses `wsh(sortedmulti(2,02…,03…))`, with or without a `#checksum` (verified when present).
    public init(_ string: String) throws {
        let body = try DescriptorChecksum.verify(string)
        let sorted: Bool
        let inner: Substring
        if body.hasPrefix("wsh(sortedmulti(") && body.hasSuffix("))") {
            sorted = true
            inner = body.dropFirst("wsh(sortedmulti(".count).dropLast(2)
        } else if body.hasPrefix("wsh(multi(") && body.hasSuffix("))") {
            sorted = false
            inner = body.dropFirst("wsh(multi(".count).dropLast(2)
        } else {
            throw BitcoinError.invalidDescriptor("expected wsh(sortedmulti(k,KEY,...)) or wsh(multi(k,KEY,...))")
        }
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let threshold = Int(parts[0]) else {
            throw BitcoinError.invalidDescriptor("expected a threshold followed by keys")
        }
        var keys: [PublicKey] = []
        for part in parts.dropFirst() {
            guard let raw = Hex.decode(part), raw.count == 33, let key = try? PublicKey(serialized: raw) else {
                throw BitcoinError.invalidDescriptor("\"\(part)\" is not a compressed public key in hex")
            }
            keys.append(key)
        }
        try self.init(threshold: threshold, keys: keys, sorted: sorted)
    }

    /// The descriptor without checksum.
    public var body: String {
        "wsh(\(sorted ? "sortedmulti" : "multi")(\(threshold),\(keys.map { Hex.encode($0.compressed) }.joined(separator: ","))))"
    }

    /// The descriptor with its checksum, as Bitcoin Core prints it.
    public var string: String { try! DescriptorChecksum.appending(to: body) }
    public var description: String { string }

    public var witnessScript: Script {
        try! sorted ? Script.sortedMultisig(threshold: threshold, keys) : Script.multisig(threshold: threshold, keys)
    }

    public var scriptPubKey: Script { Script.payToWitnessScriptHash(witnessScript) }

    public func address(network: Network) -> SegwitAddress {
        try! SegwitAddress(scriptPubKey: scriptPubKey, network: network)
    }

    /// The same descriptor with every key replaced by `transform(key)` (e.g. a pay-to-contract tweak).
    public func mapKeys(_ transform: (PublicKey) throws -> PublicKey) throws -> MultisigDescriptor {
        try MultisigDescriptor(threshold: threshold, keys: keys.map(transform), sorted: sorted)
    }

    public init(from decoder: any Decoder) throws { try self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
