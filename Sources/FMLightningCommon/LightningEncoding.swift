import FMCore
import FMEncoding
import FMSecp256k1

extension CanonicalDecoder {
    /// 32 bytes that must be a valid BIP-340 public key.
    mutating func readLightningKey() throws(CanonicalDecodingError) -> XOnlyPublicKey {
        let raw = try readFixed(32)
        guard let key = try? XOnlyPublicKey(rawRepresentation: raw) else {
            throw .invalidValue("32 bytes that are not an x-only secp256k1 public key")
        }
        return key
    }

    /// An amount of at most 21 million BTC.
    mutating func readBoundedAmount() throws(CanonicalDecodingError) -> Amount {
        let amount: Amount = try read()
        guard amount <= LightningBounds.maxAmount else {
            throw .invalidValue("amount \(amount.msats) msat exceeds 21 million BTC")
        }
        return amount
    }

    /// Unix seconds no later than ``LightningBounds/maxTimestamp``.
    mutating func readBoundedTimestamp() throws(CanonicalDecodingError) -> UInt64 {
        let seconds = try readVarint()
        guard seconds <= LightningBounds.maxTimestamp else {
            throw .invalidValue("time \(seconds) is after 2100")
        }
        return seconds
    }

    mutating func readSchnorrSignature() throws(CanonicalDecodingError) -> SchnorrSignature {
        let raw = try readFixed(64)
        guard let signature = try? SchnorrSignature(rawRepresentation: raw) else { throw .invalidValue("a 64-byte signature") }
        return signature
    }
}

/// Domain-separated SHA-256: `SHA-256(tag ‖ 0x00 ‖ bytes)`, so a hash of one kind can never be taken for another.
func taggedHash(_ tag: String, _ bytes: [UInt8]) -> Hash256 {
    Hash256.sha256(Array(tag.utf8) + [0] + bytes)
}
