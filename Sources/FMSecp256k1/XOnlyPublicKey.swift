internal import CSecp256k1

/// A BIP-340 public key: the 32-byte x coordinate of a point whose y is even.
public struct XOnlyPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32-byte x coordinate, big-endian.
    public let rawRepresentation: [UInt8]

    init(_ xonly: secp256k1_xonly_pubkey) {
        var output = [UInt8](repeating: 0, count: 32)
        var copy = xonly
        _ = secp256k1_xonly_pubkey_serialize(context, &output, &copy)
        rawRepresentation = output
    }

    /// Parses 32 bytes.
    /// - Throws: ``Secp256k1Error/invalidLength(field:expected:actual:)`` or
    ///   ``Secp256k1Error/invalidXOnlyPublicKey`` if no curve point has this x.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws {
        let bytes = try fixedLength(bytes, 32, "x-only public key")
        var xonly = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(context, &xonly, bytes) == 1 else {
            throw Secp256k1Error.invalidXOnlyPublicKey
        }
        rawRepresentation = bytes
    }

    func withCKey<R>(_ body: (UnsafePointer<secp256k1_xonly_pubkey>) throws -> R) rethrows -> R {
        var xonly = secp256k1_xonly_pubkey()
        let ok = secp256k1_xonly_pubkey_parse(context, &xonly, rawRepresentation)
        precondition(ok == 1, "validated at construction")
        return try body(&xonly)
    }

    /// The full point with even y.
    public var publicKey: PublicKey {
        // Equivalent to prefixing 0x02, which is what x-only means.
        try! PublicKey(serialized: [0x02] + rawRepresentation)
    }

    /// BIP-341 style tweak: `Q = P + t·G` (P taken with even y), returned as the x-only
    /// output key plus the parity of Q's y (needed in a script-path control block).
    /// - Throws: ``Secp256k1Error/invalidTweak`` if `t ≥ n` or Q is infinity.
    public func tweaked(by tweak: some Collection<UInt8>) throws -> (key: XOnlyPublicKey, parity: Parity) {
        let tweak = try fixedLength(tweak, 32, "tweak")
        var output = secp256k1_pubkey()
        let ok = withCKey { secp256k1_xonly_pubkey_tweak_add(context, &output, $0, tweak) }
        guard ok == 1 else { throw Secp256k1Error.invalidTweak }
        return PublicKey(output).xOnly
    }

    /// Whether `self` (with `parity`) is `internalKey` tweaked by `tweak`, i.e. the
    /// check a verifier of a BIP-341 commitment performs.
    public func isTweak(of internalKey: XOnlyPublicKey, by tweak: some Collection<UInt8>, parity: Parity) -> Bool {
        guard tweak.count == 32 else { return false }
        let tweak = Array(tweak)
        return internalKey.withCKey {
            secp256k1_xonly_pubkey_tweak_add_check(context, rawRepresentation, Int32(parity.rawValue), $0, tweak) == 1
        }
    }

    public var description: String { hexString(rawRepresentation) }
}
