internal import CSecp256k1

/// An ECDSA signature (r, s).
///
/// Parsed from strict DER or the 64-byte compact form `r || s`. Signatures made here
/// are always low-S; ``PublicKey/isValidECDSASignature(_:for:)`` accepts only low-S
/// (Bitcoin's standardness rule), so call ``normalized()`` first to accept high-S too.
public struct ECDSASignature: Sendable, Hashable, CustomStringConvertible {
    /// `r || s`, 32 bytes each, big-endian.
    public let compactRepresentation: [UInt8]

    /// Parses 64 bytes `r || s`.
    /// - Throws: ``Secp256k1Error/invalidCompactSignature`` if r or s ≥ n.
    public init(compactRepresentation bytes: some Collection<UInt8>) throws {
        let bytes = try fixedLength(bytes, 64, "compact ECDSA signature")
        var signature = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &signature, bytes) == 1 else {
            throw Secp256k1Error.invalidCompactSignature
        }
        compactRepresentation = bytes
    }

    /// Parses a DER encoding (without a trailing sighash byte).
    /// - Throws: ``Secp256k1Error/invalidDERSignature``.
    public init(derRepresentation bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        var signature = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(context, &signature, bytes, bytes.count) == 1 else {
            throw Secp256k1Error.invalidDERSignature
        }
        self.init(signature)
    }

    init(_ signature: secp256k1_ecdsa_signature) {
        var output = [UInt8](repeating: 0, count: 64)
        var copy = signature
        _ = secp256k1_ecdsa_signature_serialize_compact(context, &output, &copy)
        compactRepresentation = output
    }

    func withCSignature<R>(_ body: (UnsafePointer<secp256k1_ecdsa_signature>) throws -> R) rethrows -> R {
        var signature = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_parse_compact(context, &signature, compactRepresentation)
        return try body(&signature)
    }

    /// The DER encoding (at most 72 bytes), without a sighash byte.
    public var derRepresentation: [UInt8] {
        var output = [UInt8](repeating: 0, count: 72)
        var length = output.count
        withCSignature { _ = secp256k1_ecdsa_signature_serialize_der(context, &output, &length, $0) }
        return Array(output[0..<length])
    }

    /// The equivalent signature with s ≤ n/2.
    public func normalized() -> ECDSASignature {
        var normalized = secp256k1_ecdsa_signature()
        withCSignature { _ = secp256k1_ecdsa_signature_normalize(context, &normalized, $0) }
        return ECDSASignature(normalized)
    }

    /// Whether s ≤ n/2.
    public var isLowS: Bool {
        withCSignature { secp256k1_ecdsa_signature_normalize(context, nil, $0) == 0 }
    }

    public var description: String { hexString(derRepresentation) }
}

extension SecretKey {
    /// Signs a 32-byte message hash with RFC 6979 deterministic nonces; the result is low-S.
    /// - Throws: ``Secp256k1Error/invalidLength(field:expected:actual:)`` if the hash is not 32 bytes.
    public func signECDSA(messageHash: some Collection<UInt8>) throws -> ECDSASignature {
        let hash = try fixedLength(messageHash, 32, "message hash")
        var signature = secp256k1_ecdsa_signature()
        let ok = withUnsafeBytes { secp256k1_ecdsa_sign(context, &signature, hash, $0, nil, nil) }
        guard ok == 1 else { throw Secp256k1Error.signingFailed }
        return ECDSASignature(signature)
    }
}

extension PublicKey {
    /// Verifies a low-S ECDSA signature on a 32-byte message hash. High-S signatures and
    /// hashes of another length are rejected.
    public func isValidECDSASignature(_ signature: ECDSASignature, for messageHash: some Collection<UInt8>) -> Bool {
        guard messageHash.count == 32 else { return false }
        let hash = Array(messageHash)
        return withCPublicKey { key in
            signature.withCSignature { secp256k1_ecdsa_verify(context, $0, hash, key) == 1 }
        }
    }
}
