internal import CSecp256k1

/// An ECDSA signature with the recovery id that lets a verifier recompute the public key.
public struct RecoverableSignature: Sendable, Hashable {
    /// `r || s`, 64 bytes.
    public let compactRepresentation: [UInt8]
    /// 0...3.
    public let recoveryID: Int

    /// - Throws: ``Secp256k1Error/invalidRecoveryID(_:)``, ``Secp256k1Error/invalidLength(field:expected:actual:)``
    ///   or ``Secp256k1Error/invalidCompactSignature``.
    public init(compactRepresentation bytes: some Collection<UInt8>, recoveryID: Int) throws {
        guard (0...3).contains(recoveryID) else { throw Secp256k1Error.invalidRecoveryID(recoveryID) }
        let bytes = try fixedLength(bytes, 64, "compact recoverable signature")
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, bytes, Int32(recoveryID)) == 1
        else { throw Secp256k1Error.invalidCompactSignature }
        compactRepresentation = bytes
        self.recoveryID = recoveryID
    }

    init(_ signature: secp256k1_ecdsa_recoverable_signature) {
        var output = [UInt8](repeating: 0, count: 64)
        var id: Int32 = 0
        var copy = signature
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &output, &id, &copy)
        compactRepresentation = output
        recoveryID = Int(id)
    }

    private func withCSignature<R>(_ body: (UnsafePointer<secp256k1_ecdsa_recoverable_signature>) throws -> R) rethrows -> R {
        var signature = secp256k1_ecdsa_recoverable_signature()
        _ = secp256k1_ecdsa_recoverable_signature_parse_compact(context, &signature, compactRepresentation, Int32(recoveryID))
        return try body(&signature)
    }

    /// The plain signature, for ``PublicKey/isValidECDSASignature(_:for:)``.
    public var signature: ECDSASignature {
        var plain = secp256k1_ecdsa_signature()
        withCSignature { _ = secp256k1_ecdsa_recoverable_signature_convert(context, &plain, $0) }
        return ECDSASignature(plain)
    }

    /// The public key that made this signature over `messageHash`.
    /// - Throws: ``Secp256k1Error/publicKeyRecoveryFailed`` or a length error.
    public func recoverPublicKey(messageHash: some Collection<UInt8>) throws -> PublicKey {
        let hash = try fixedLength(messageHash, 32, "message hash")
        var pubkey = secp256k1_pubkey()
        let ok = withCSignature { secp256k1_ecdsa_recover(context, &pubkey, $0, hash) }
        guard ok == 1 else { throw Secp256k1Error.publicKeyRecoveryFailed }
        return PublicKey(pubkey)
    }
}

extension SecretKey {
    /// Signs a 32-byte message hash (RFC 6979, low-S) and keeps the recovery id.
    public func signRecoverable(messageHash: some Collection<UInt8>) throws -> RecoverableSignature {
        let hash = try fixedLength(messageHash, 32, "message hash")
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = withUnsafeBytes { secp256k1_ecdsa_sign_recoverable(context, &signature, hash, $0, nil, nil) }
        guard ok == 1 else { throw Secp256k1Error.signingFailed }
        return RecoverableSignature(signature)
    }
}
