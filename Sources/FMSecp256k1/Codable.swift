// JSON forms: public values as lower-case hex strings. Secret keys have none on purpose.

extension PublicKey: Codable {
    /// Decodes the hex of a compressed or uncompressed encoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(serialized: try decodeHex(container, "public key"))
    }

    /// Encodes the hex of the compressed encoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString(compressed))
    }
}

extension XOnlyPublicKey: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(rawRepresentation: try decodeHex(container, "x-only public key"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString(rawRepresentation))
    }
}

extension SchnorrSignature: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(rawRepresentation: try decodeHex(container, "Schnorr signature"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString(rawRepresentation))
    }
}

extension ECDSASignature: Codable {
    /// Decodes the hex of the 64-byte compact form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(compactRepresentation: try decodeHex(container, "ECDSA signature"))
    }

    /// Encodes the hex of the 64-byte compact form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString(compactRepresentation))
    }
}

extension PublicKey: Comparable {
    /// Orders by compressed encoding, the order `sortedmulti` (BIP-67) uses.
    public static func < (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.compressed.lexicographicallyPrecedes(rhs.compressed)
    }
}

private func decodeHex(_ container: any SingleValueDecodingContainer, _ what: String) throws -> [UInt8] {
    let string = try container.decode(String.self)
    guard let bytes = bytesFromHex(string) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(what): expected hex, got \"\(string)\"")
    }
    return bytes
}

func bytesFromHex(_ string: String) -> [UInt8]? {
    let utf8 = Array(string.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    var out: [UInt8] = []
    var i = 0
    while i < utf8.count {
        guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
        out.append(high << 4 | low)
        i += 2
    }
    return out
}
