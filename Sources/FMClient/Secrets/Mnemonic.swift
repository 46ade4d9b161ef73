import Crypto
import FMCore
import Foundation
import _CryptoExtras

/// A BIP-39 mnemonic: the one secret a user writes down; every other client secret derives from its seed.
///
/// Its `description` is redacted so it cannot reach a log by accident; the words leave only through ``phrase``.
public struct Mnemonic: Sendable, Equatable, CustomStringConvertible {
    public let words: [String]

    /// The words for `entropy` (16, 20, 24, 28 or 32 bytes → 12 … 24 words): entropy ‖ first ENT/32 bits of
    /// SHA-256(entropy), read as 11-bit indices into the English list.
    public init(entropy: [UInt8]) throws(MnemonicError) {
        guard entropy.count >= 16, entropy.count <= 32, entropy.count % 4 == 0 else {
            throw .badEntropyLength(entropy.count)
        }
        let checksumBits = entropy.count / 4
        let bits = Self.bits(of: entropy) + Self.bits(of: Array(SHA256.hash(data: entropy))).prefix(checksumBits)
        words = stride(from: 0, to: bits.count, by: 11).map { start in
            Self.englishWords[bits[start..<start + 11].reduce(0) { $0 << 1 | Int($1) }]
        }
    }

    /// A fresh mnemonic of `wordCount` words (12 or 24) from the system's cryptographic random source.
    public static func generate(wordCount: Int = 12) throws(MnemonicError) -> Mnemonic {
        guard wordCount == 12 || wordCount == 24 else { throw .badWordCount(wordCount) }
        var rng = SystemRandomNumberGenerator()
        return try Mnemonic(entropy: (0..<wordCount * 4 / 3).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// Parses and checks a phrase: every word must be in the English list and the checksum must match.
    /// Whitespace and case are normalised.
    public init(phrase: String) throws(MnemonicError) {
        let words = phrase.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard [12, 15, 18, 21, 24].contains(words.count) else { throw .badWordCount(words.count) }
        var bits: [UInt8] = []
        for (position, word) in words.enumerated() {
            guard let index = Self.wordIndex[word] else { throw .unknownWord(word, position: position + 1) }
            for shift in (0..<11).reversed() { bits.append(UInt8(index >> shift & 1)) }
        }
        let entropyBits = words.count * 11 * 32 / 33
        let entropy = stride(from: 0, to: entropyBits, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | $1 }
        }
        let expected = try Mnemonic(entropy: entropy)
        guard expected.words == words else { throw .badChecksum(lastWord: words.last!) }
        self.words = words
    }

    /// The words separated by single spaces. Secret.
    public var phrase: String { words.joined(separator: " ") }

    /// The entropy the words encode. Secret.
    public var entropy: [UInt8] {
        let bits = words.flatMap { word in
            let index = Self.wordIndex[word]!
            return (0..<11).reversed().map { UInt8(index >> $0 & 1) }
        }
        return stride(from: 0, to: words.count * 11 * 32 / 33, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | $1 }
        }
    }

    /// The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512, 2048 rounds, password = NFKD(phrase),
    /// salt = "mnemonic" ‖ NFKD(passphrase).
    public func seed(passphrase: String = "") -> [UInt8] {
        let password = Array(phrase.decomposedStringWithCompatibilityMapping.utf8)
        let salt = Array(("mnemonic" + passphrase).decomposedStringWithCompatibilityMapping.utf8)
        // 2048 rounds is BIP-39's constant; swift-crypto calls anything below its own minimum "unchecked".
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha512, outputByteCount: 64, unsafeUncheckedRounds: 2048)
        return key.withUnsafeBytes { Array($0) }
    }

    /// A public check that this is the mnemonic federation `id`'s database was created with:
    /// SHA-256("fm/mnemonic-check/v1" ‖ federation id ‖ entropy). Like the secret fingerprint it is one-way and
    /// per federation, but it needs no seed (2048 PBKDF2 rounds), so a command checks the mnemonic at open and
    /// derives the seed only if it uses a key (docs/benchmarks/cli-start.md).
    public func check(for id: FederationID) -> Hash256 {
        Hash256.sha256(Array("fm/mnemonic-check/v1".utf8) + id.hash.bytes + entropy)
    }

    public var description: String { "Mnemonic(\(words.count) words, redacted)" }

    private static let wordIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: englishWords.enumerated().map { ($1, $0) })

    private static func bits(of bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { byte in (0..<8).reversed().map { byte >> $0 & 1 } }
    }
}

/// Why a mnemonic was refused.
public enum MnemonicError: ReportableError, Equatable {
    case badEntropyLength(Int)
    case badWordCount(Int)
    case unknownWord(String, position: Int)
    case badChecksum(lastWord: String)

    public var category: FailureCategory { .badInput }
    public var code: String { "bad_mnemonic" }
    public var field: String? { "mnemonic" }
    public var description: String {
        switch self {
        case .badEntropyLength(let count): "mnemonic entropy must be 16 to 32 bytes in steps of 4, got \(count)"
        case .badWordCount(let count): "a mnemonic has 12, 15, 18, 21 or 24 words, got \(count)"
        case .unknownWord(let word, let position): "word \(position) '\(word)' is not in the BIP-39 English word list"
        case .badChecksum(let lastWord):
            "the words fail the BIP-39 checksum (carried by the last word '\(lastWord)'): a word is wrong or misplaced"
        }
    }
}
