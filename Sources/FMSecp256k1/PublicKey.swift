internal import CSecp256k1

/// A point on secp256k1 other than infinity.
///
/// Parsed from and serialized to the SEC1 encodings Bitcoin uses: 33-byte compressed
/// (`02`/`03` prefix) and 65-byte uncompressed (`04`). Hybrid encodings (`06`/`07`) are refused.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// libsecp256k1's 64-byte internal form; never leaves this module.
    private let internalBytes: [UInt8]

    init(_ pubkey: secp256k1_pubkey) {
        var copy = pubkey
        internalBytes = withUnsafeBytes(of: &copy) { Array($0) }
    }

    func withCPublicKey<R>(_ body: (UnsafePointer<secp256k1_pubkey>) throws -> R) rethrows -> R {
        var pubkey = secp256k1_pubkey()
        withUnsafeMutableBytes(of: &pubkey) { $0.copyBytes(from: internalBytes) }
        return try body(&pubkey)
    }

    /// Parses a compressed (33-byte) or uncompressed (65-byte) encoding.
    /// - Throws: ``Secp256k1Error/invalidLength(field:expected:actual:)``,
    ///   ``Secp256k1Error/invalidPublicKeyPrefix(_:)`` or ``Secp256k1Error/publicKeyNotOnCurve``.
    public init(serialized bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        switch (bytes.count, bytes.first) {
        case (33, 0x02), (33, 0x03), (65, 0x04): break
        case (33, let prefix?), (65, let prefix?): throw Secp256k1Error.invalidPublicKeyPrefix(prefix)
        default: throw Secp256k1Error.invalidLength(field: "public key", expected: [33, 65], actual: bytes.count)
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(context, &pubkey, bytes, bytes.count) == 1 else {
            throw Secp256k1Error.publicKeyNotOnCurve
        }
        self.init(pubkey)
    }

    private func serialize(compressed: Bool) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var length = output.count
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        withCPublicKey { _ = secp256k1_ec_pubkey_serialize(context, &output, &length, $0, flags) }
        return output
    }

    /// The 33-byte compressed encoding.
    public var compressed: [UInt8] { serialize(compressed: true) }
    /// The 65-byte uncompressed encoding.
    public var uncompressed: [UInt8] { serialize(compressed: false) }

    /// The x-only key (BIP-340) and the parity of y that it drops.
    public var xOnly: (key: XOnlyPublicKey, parity: Parity) {
        var xonly = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        withCPublicKey { _ = secp256k1_xonly_pubkey_from_pubkey(context, &xonly, &parity, $0) }
        return (XOnlyPublicKey(xonly), parity == 0 ? .even : .odd)
    }

    /// `P + t·G`.
    /// - Throws: ``Secp256k1Error/invalidTweak`` if `t ≥ n` or the result is infinity.
    public func adding(tweak: some Collection<UInt8>) throws -> PublicKey {
        let tweak = try fixedLength(tweak, 32, "tweak")
        var pubkey = withCPublicKey { $0.pointee }
        guard secp256k1_ec_pubkey_tweak_add(context, &pubkey, tweak) == 1 else { throw Secp256k1Error.invalidTweak }
        return PublicKey(pubkey)
    }

    /// `t·P`.
    /// - Throws: ``Secp256k1Error/invalidTweak`` if `t` is zero or ≥ n.
    public func multiplying(by tweak: some Collection<UInt8>) throws -> PublicKey {
        let tweak = try fixedLength(tweak, 32, "tweak")
        var pubkey = withCPublicKey { $0.pointee }
        guard secp256k1_ec_pubkey_tweak_mul(context, &pubkey, tweak) == 1 else { throw Secp256k1Error.invalidTweak }
        return PublicKey(pubkey)
    }

    /// `-P`.
    public func negated() -> PublicKey {
        var pubkey = withCPublicKey { $0.pointee }
        _ = secp256k1_ec_pubkey_negate(context, &pubkey)
        return PublicKey(pubkey)
    }

    /// The sum of `keys`.
    /// - Throws: ``Secp256k1Error/noKeysToCombine`` for an empty list,
    ///   ``Secp256k1Error/sumIsPointAtInfinity`` if the points cancel out.
    public static func combine(_ keys: [PublicKey]) throws -> PublicKey {
        guard !keys.isEmpty else { throw Secp256k1Error.noKeysToCombine }
        var cKeys = keys.map { key in key.withCPublicKey { $0.pointee } }
        var result = secp256k1_pubkey()
        let ok = cKeys.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var pointers: [UnsafePointer<secp256k1_pubkey>?] = (0..<buffer.count).map { UnsafePointer(buffer.baseAddress! + $0) }
            return secp256k1_ec_pubkey_combine(context, &result, &pointers, buffer.count)
        }
        guard ok == 1 else { throw Secp256k1Error.sumIsPointAtInfinity }
        return PublicKey(result)
    }

    /// `self + other`.
    public func adding(_ other: PublicKey) throws -> PublicKey { try PublicKey.combine([self, other]) }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.compressed == rhs.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    /// Hex of the compressed encoding.
    public var description: String { hexString(compressed) }
}

/// Parity of a point's y coordinate, as BIP-340/341 use it.
public enum Parity: UInt8, Sendable, Hashable {
    case even = 0
    case odd = 1
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
    return String(decoding: out, as: UTF8.self)
}
