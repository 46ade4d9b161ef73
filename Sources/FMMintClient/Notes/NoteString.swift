import Crypto
import FMCore
import FMCrypto
import FMEncoding
import FMMintCommon
import FMSecp256k1
import Foundation

/// Notes handed from one user to another outside the federation (BRIEF §3):
/// `fm-mint spend` prints them, `fm-mint reissue` takes them.
///
/// Text form: `fmnotes` followed by unpadded base64url of
/// `payload ‖ first 4 bytes of SHA-256(payload)`, where the payload is the
/// canonical encoding: version 0, federation id (32 bytes), then a vector of
/// notes, each denomination (1 byte), spend secret key (32 bytes) and
/// signature (48 bytes). The nonce is the spend key's public key, so it cannot
/// disagree with the key. The federation id tells the receiver where the notes
/// belong; the checksum catches damaged copies before any field is read.
///
/// - Important: the string carries spend keys: whoever holds it can spend the
///   notes until the receiver reissues them.
public struct NoteString: Sendable, Equatable, CanonicalCodable, CustomStringConvertible {
    public static let prefix = "fmnotes"
    static let version: UInt64 = 0
    static let checksumLength = 4

    public let federationId: FederationID
    public let notes: [SpendableNote]

    public init(federationId: FederationID, notes: [SpendableNote]) {
        self.federationId = federationId
        self.notes = notes
    }

    /// The value of all notes (saturating at the largest amount, which no real string reaches).
    public var total: Amount { (try? Amount.sum(notes.map(\.amount))) ?? Amount(msats: .max) }

    /// The text form.
    public var description: String {
        let payload = canonicalBytes
        let data = Data(payload + Array(SHA256.hash(data: payload).prefix(Self.checksumLength)))
        let base64url = data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return Self.prefix + base64url
    }

    /// Parses the text form, validating every field (surrounding whitespace is ignored).
    ///
    /// - Throws: ``MintError/malformedNoteString(reason:)`` naming what is wrong.
    public init(parsing text: String) throws(MintError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else {
            throw .malformedNoteString(reason: "it does not start with '\(Self.prefix)'")
        }
        let body = trimmed.dropFirst(Self.prefix.count)
        guard let raw = Self.decodeBase64URL(body) else {
            throw .malformedNoteString(reason: "the text after '\(Self.prefix)' is not base64url")
        }
        guard raw.count > Self.checksumLength else { throw .malformedNoteString(reason: "it is too short") }
        let payload = Array(raw.dropLast(Self.checksumLength))
        guard Array(SHA256.hash(data: payload).prefix(Self.checksumLength)) == Array(raw.suffix(Self.checksumLength)) else {
            throw .malformedNoteString(reason: "the checksum does not match (the string was changed or cut)")
        }
        do { self = try NoteString(canonicalBytes: payload) } catch {
            throw .malformedNoteString(reason: error.description)
        }
    }

    /// Strict unpadded base64url: the alphabet only, and no unused bits set,
    /// so that every byte string has exactly one text form.
    private static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.count % 4 != 1,
            text.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        let canonical = data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return canonical == text ? Array(data) : nil
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(Self.version)
        encoder.write(federationId)
        encoder.writeVarint(UInt64(notes.count))
        for spendable in notes {
            encoder.write(spendable.note.denomination)
            encoder.writeFixed(spendable.spendKey.secretKey.rawRepresentation)
            encoder.writeFixed(spendable.note.signature.canonicalBytes)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let version = try decoder.readVarint()
        guard version == Self.version else { throw .invalidValue("note string version \(version), expected 0") }
        federationId = try decoder.read()
        let count = try decoder.readVarint()
        guard count >= 1 else { throw .invalidValue("the note string holds no notes") }
        guard count <= UInt64(Transaction.maxItems), count * 81 <= UInt64(decoder.remainingCount) else {
            throw .lengthExceedsInput(claimed: count, remaining: decoder.remainingCount)
        }
        var notes: [SpendableNote] = []
        // A note listed twice would be counted twice in the total, then refused as spent by the federation.
        var positions: [XOnlyPublicKey: Int] = [:]
        for position in 0..<Int(count) {
            let denomination = try decoder.read(Denomination.self)
            guard let secretKey = try? SecretKey(rawRepresentation: try decoder.readFixed(32)) else {
                throw .invalidValue("note \(position): the spend key is not a valid secp256k1 secret key")
            }
            let raw = try decoder.readFixed(48)
            guard let signature = try? Signature(canonicalBytes: raw) else {
                throw .invalidValue("note \(position): the signature is not a valid BLS12-381 G1 point")
            }
            let keypair = secretKey.keypair
            if let first = positions.updateValue(position, forKey: keypair.xOnlyPublicKey) {
                throw .invalidValue("note \(position) repeats note \(first) (the same nonce); each note may appear once")
            }
            let note = Note(denomination: denomination, nonce: keypair.xOnlyPublicKey, signature: signature)
            notes.append(SpendableNote(note: note, spendKey: keypair))
        }
        self.notes = notes
    }

    /// Checks the notes offline against the mint's keys: the positions (into
    /// ``notes``) of notes whose signature does not verify or whose
    /// denomination the mint does not issue; empty when all are valid.
    ///
    /// - Throws: ``MintError/wrongFederation(expected:found:)`` when the string
    ///   names another federation than `federationId`.
    public func invalidNotes(federationId expected: FederationID, config: MintClientConfig) throws(MintError) -> [Int] {
        guard federationId == expected else { throw .wrongFederation(expected: expected, found: federationId) }
        return try NoteValidation.invalidNotes(notes.map(\.note), config: config)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
