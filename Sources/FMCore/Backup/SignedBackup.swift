import FMEncoding
import FMSecp256k1

/// An encrypted wallet snapshot as the guardians store it (docs/wallet.md, "Backup at the guardians";
/// the byte layout in docs/protocol.md).
///
/// The guardian sees only who owns it (``clientId``, an x-only key the client derives from its mnemonic for
/// this federation), its ``sequence`` (the client's clock in milliseconds, strictly increasing per client) and
/// opaque ciphertext in a padded size bucket. The owner's BIP-340 signature over all three is what lets a guardian
/// keep only the owner's newest snapshot: nobody else can replace it, and an older one (replayed) is refused.
///
/// Canonical form: client id (32 bytes) ‖ sequence (varint) ‖ ciphertext (length-prefixed) ‖ signature (64 bytes).
public struct SignedBackup: Sendable, Equatable, CanonicalCodable {
    /// The largest ciphertext a guardian accepts (the largest padding bucket plus the AEAD's nonce and tag).
    public static let maxCiphertextBytes = BackupPadding.buckets.last! + 12 + 16

    public let clientId: XOnlyPublicKey
    public let sequence: UInt64
    public let ciphertext: [UInt8]
    public let signature: SchnorrSignature

    public init(clientId: XOnlyPublicKey, sequence: UInt64, ciphertext: [UInt8], signature: SchnorrSignature) {
        self.clientId = clientId
        self.sequence = sequence
        self.ciphertext = ciphertext
        self.signature = signature
    }

    /// Signs a snapshot as its owner.
    public init(owner: Keypair, sequence: UInt64, ciphertext: [UInt8]) {
        self.init(
            clientId: owner.xOnlyPublicKey, sequence: sequence, ciphertext: ciphertext,
            signature: owner.signSchnorr(message: Self.signedHash(owner.xOnlyPublicKey, sequence, ciphertext).bytes))
    }

    /// What the owner signs: SHA-256("fm/backup/v1" ‖ client id ‖ sequence (8 bytes, big-endian) ‖ SHA-256(ciphertext)).
    static func signedHash(_ clientId: XOnlyPublicKey, _ sequence: UInt64, _ ciphertext: [UInt8]) -> Hash256 {
        var bytes = Array("fm/backup/v1".utf8) + clientId.rawRepresentation
        withUnsafeBytes(of: sequence.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += Hash256.sha256(ciphertext).bytes
        return Hash256.sha256(bytes)
    }

    /// Whether the owner signed it, and its ciphertext fits a bucket (one Schnorr verification, no state).
    public var isWellFormed: Bool {
        ciphertext.count <= Self.maxCiphertextBytes
            && clientId.isValidSchnorrSignature(signature, for: Self.signedHash(clientId, sequence, ciphertext).bytes)
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeFixed(clientId.rawRepresentation)
        encoder.writeVarint(sequence)
        encoder.writeBytes(ciphertext)
        encoder.writeFixed(signature.rawRepresentation)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        guard let key = try? XOnlyPublicKey(rawRepresentation: try decoder.readFixed(32)) else {
            throw .invalidValue("a backup's client id is not an x-only secp256k1 public key")
        }
        clientId = key
        sequence = try decoder.readVarint()
        ciphertext = try decoder.readBytes(maxLength: Self.maxCiphertextBytes)
        guard let signature = try? SchnorrSignature(rawRepresentation: try decoder.readFixed(64)) else {
            throw .invalidValue("a backup's signature is not 64 bytes")
        }
        self.signature = signature
    }
}

/// The sizes a snapshot's plaintext is padded to, so its length tells a guardian only the bucket (docs/protocol.md).
public enum BackupPadding {
    /// 1 KiB, then doubling up to 128 KiB.
    public static let buckets: [Int] = (10...17).map { 1 << $0 }

    /// `plaintext` as length (4 bytes, big-endian) ‖ plaintext ‖ zeros up to the smallest bucket that holds it;
    /// `nil` when it exceeds the largest.
    public static func pad(_ plaintext: [UInt8]) -> [UInt8]? {
        let needed = plaintext.count + 4
        guard let bucket = buckets.first(where: { $0 >= needed }) else { return nil }
        var out = withUnsafeBytes(of: UInt32(plaintext.count).bigEndian, Array.init)
        out += plaintext
        out += [UInt8](repeating: 0, count: bucket - out.count)
        return out
    }

    /// The plaintext inside a padded buffer; `nil` when it is not one (wrong size, length past the end, non-zero padding).
    public static func unpad(_ padded: [UInt8]) -> [UInt8]? {
        guard buckets.contains(padded.count) else { return nil }
        let length = padded.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        guard length <= padded.count - 4, padded[(4 + length)...].allSatisfy({ $0 == 0 }) else { return nil }
        return Array(padded[4..<(4 + length)])
    }
}
