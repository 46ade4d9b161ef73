import FMClient
import FMTesting
import Foundation
import Testing

@Suite struct MnemonicTests {
    /// Every vector of the BIP-39 reference (trezor/python-mnemonic), passphrase "TREZOR".
    @Test func officialVectors() throws {
        let root = try #require(try Fixtures.json("bip39_vectors_english.json") as? [String: Any])
        let vectors = try #require(root["english"] as? [[String]])
        #expect(vectors.count == 24)
        for vector in vectors {
            let mnemonic = try Mnemonic(entropy: bytes(hex: vector[0]))
            #expect(mnemonic.phrase == vector[1])
            #expect(hex(mnemonic.entropy) == vector[0])
            #expect(try Mnemonic(phrase: vector[1]) == mnemonic)
            #expect(hex(mnemonic.seed(passphrase: "TREZOR")) == vector[2])
        }
    }

    @Test func unknownWordIsNamedWithItsPosition() {
        #expect(throws: MnemonicError.unknownWord("abandonn", position: 3)) {
            try Mnemonic(phrase: "abandon abandon abandonn abandon abandon abandon abandon abandon abandon abandon abandon about")
        }
    }

    @Test func checksumFailureIsDetected() {
        #expect(throws: MnemonicError.badChecksum(lastWord: "abandon")) {
            try Mnemonic(phrase: Array(repeating: "abandon", count: 12).joined(separator: " "))
        }
    }

    @Test func wrongWordCountAndEntropyAreRefused() {
        #expect(throws: MnemonicError.badWordCount(11)) {
            try Mnemonic(phrase: Array(repeating: "abandon", count: 11).joined(separator: " "))
        }
        #expect(throws: MnemonicError.badEntropyLength(15)) { try Mnemonic(entropy: Array(repeating: 0, count: 15)) }
    }

    @Test func generatedMnemonicsRoundTrip() throws {
        for count in [12, 24] {
            let mnemonic = try Mnemonic.generate(wordCount: count)
            #expect(mnemonic.words.count == count)
            #expect(try Mnemonic(phrase: mnemonic.phrase.uppercased() + "\n") == mnemonic)
        }
        #expect(throws: MnemonicError.badWordCount(13)) { try Mnemonic.generate(wordCount: 13) }
    }

    @Test func descriptionNeverShowsTheWords() throws {
        let mnemonic = try Mnemonic(entropy: Array(repeating: 0x7f, count: 16))
        #expect(!"\(mnemonic)".contains("legal"))
    }
}
