/// A value with one canonical byte form (compressed points, 32-byte scalars),
/// used for hashing, signing and the wire. Decoding validates fully: a value
/// that decodes is a valid value of its type.
public protocol CanonicalBytesRepresentable: Sendable {
    var canonicalBytes: [UInt8] { get }
    init(canonicalBytes: some Collection<UInt8>) throws(CryptoEncodingError)
}
