internal import CSecp256k1

/// A 64-byte BIP-340 Schnorr signature.
public struct SchnorrSignature: Sendable, Hashable, CustomStringConvertible {
    public let rawRepresentation: [UInt8]

    /// Wraps 64 bytes; only the length is checked here, the rest at verification.
    public init(rawRepresentation bytes: some Collection<UInt8>) throws {
        rawRepresentation = try fixedLength(bytes, 64, "Schnorr signature")
    }

    public var description: String { hexString(rawRepresentation) }
}

extension Keypair {
    /// Signs `message` (any length; BIP-340 specifies 32-byte messages, libsecp256k1
    /// extends the same algorithm to other lengths) with fresh auxiliary randomness
    /// from the system random source.
    public func signSchnorr(message: some Collection<UInt8>) -> SchnorrSignature {
        var rng = SystemRandomNumberGenerator()
        var aux = [UInt8](repeating: 0, count: 32)
        for i in aux.indices { aux[i] = rng.next() }
        return try! signSchnorr(message: message, auxiliaryRandomness: aux)
    }

    /// Signs `message` with the given 32 bytes of auxiliary randomness (BIP-340 `a`);
    /// deterministic, for test vectors and reproducible signing.
    /// - Throws: ``Secp256k1Error/invalidLength(field:expected:actual:)`` if `auxiliaryRandomness` is not 32 bytes.
    public func signSchnorr(message: some Collection<UInt8>, auxiliaryRandomness: some Collection<UInt8>) throws
        -> SchnorrSignature
    {
        var aux = try fixedLength(auxiliaryRandomness, 32, "auxiliary randomness")
        let message = Array(message)
        var signature = [UInt8](repeating: 0, count: 64)
        let ok = aux.withUnsafeMutableBytes { auxBuffer -> Int32 in
            var params = secp256k1_schnorrsig_extraparams()
            params.magic = (0xda, 0x6f, 0xb3, 0x8c)  // SECP256K1_SCHNORRSIG_EXTRAPARAMS_MAGIC
            params.noncefp = nil  // BIP-340 nonce derivation
            params.ndata = auxBuffer.baseAddress
            return withCKeypair { keypair in
                message.withUnsafeBufferPointer { msg in
                    secp256k1_schnorrsig_sign_custom(context, &signature, msg.baseAddress, msg.count, keypair, &params)
                }
            }
        }
        guard ok == 1 else { throw Secp256k1Error.signingFailed }
        return try SchnorrSignature(rawRepresentation: signature)
    }
}

extension XOnlyPublicKey {
    /// BIP-340 verification of `signature` on `message` (any length).
    public func isValidSchnorrSignature(_ signature: SchnorrSignature, for message: some Collection<UInt8>) -> Bool {
        let message = Array(message)
        return withCKey { key in
            message.withUnsafeBufferPointer { msg in
                secp256k1_schnorrsig_verify(context, signature.rawRepresentation, msg.baseAddress, msg.count, key) == 1
            }
        }
    }
}
