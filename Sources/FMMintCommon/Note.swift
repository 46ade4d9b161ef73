import FMCore
import FMCrypto
import FMEncoding
import FMSecp256k1

/// An e-cash note (BRIEF §3): a denomination, a nonce and the federation's
/// threshold signature on the nonce.
///
/// The nonce is a secp256k1 x-only public key; whoever knows its secret key
/// (the spend key) can spend the note, because a transaction spending it must
/// carry a Schnorr signature by the nonce key.
///
/// Canonical form: denomination (1 byte), nonce (32 bytes), signature (48 bytes).
public struct Note: Hashable, Sendable, CanonicalCodable {
    public let denomination: Denomination
    /// The note's serial number and spend public key.
    public let nonce: XOnlyPublicKey
    /// σ = sk·H(nonce) under the denomination's aggregate key.
    public let signature: Signature

    public init(denomination: Denomination, nonce: XOnlyPublicKey, signature: Signature) {
        self.denomination = denomination
        self.nonce = nonce
        self.signature = signature
    }

    public var amount: Amount { denomination.amount }

    /// M = H(nonce), the message the signature signs.
    public var message: Message { Message(nonce: nonce.rawRepresentation) }

    /// Checks the signature against the denomination's aggregate public key (one pairing).
    public func isValid(under key: AggregatePublicKey) -> Bool { key.verify(signature, on: message) }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(denomination)
        encoder.writeFixed(nonce.rawRepresentation)
        encoder.writeFixed(signature.canonicalBytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        denomination = try decoder.read()
        nonce = try decoder.readXOnlyPublicKey()
        signature = try decoder.readCrypto(Signature.self, length: 48)
    }
}

extension CanonicalDecoder {
    /// 32 bytes that must be a valid BIP-340 public key.
    mutating func readXOnlyPublicKey() throws(CanonicalDecodingError) -> XOnlyPublicKey {
        let raw = try readFixed(32)
        guard let key = try? XOnlyPublicKey(rawRepresentation: raw) else {
            throw .invalidValue("32 bytes that are not an x-only secp256k1 public key")
        }
        return key
    }

    /// A fixed-size FMCrypto value (point or scalar), fully validated.
    mutating func readCrypto<T: CanonicalBytesRepresentable>(
        _: T.Type, length: Int
    ) throws(CanonicalDecodingError) -> T {
        let raw = try readFixed(length)
        do { return try T(canonicalBytes: raw) } catch { throw .invalidValue(error.description) }
    }
}
