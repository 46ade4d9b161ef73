import FMSetup
import Foundation
import Testing

@Suite struct PassphraseSealedBoxTests {
    let fast = PassphraseSealedBox.ScryptParameters(log2N: 10, r: 8, p: 1)
    let secret: [UInt8] = Array("the consensus key".utf8)

    @Test func roundTrip() throws {
        let box = try PassphraseSealedBox.seal(secret, passphrase: Array("passphrase-1".utf8), parameters: fast)
        #expect(try box.open(passphrase: Array("passphrase-1".utf8)) == secret)
        #expect(!box.ciphertext.contains(secret.map { String(format: "%02x", $0) }.joined()))
    }

    @Test func wrongPassphraseFails() throws {
        let box = try PassphraseSealedBox.seal(secret, passphrase: Array("passphrase-1".utf8), parameters: fast)
        #expect(throws: SecretsError.wrongPassphrase) { try box.open(passphrase: Array("passphrase-2".utf8)) }
    }

    @Test func saltAndNonceAreFreshEachTime() throws {
        let a = try PassphraseSealedBox.seal(secret, passphrase: Array("pp".utf8), parameters: fast)
        let b = try PassphraseSealedBox.seal(secret, passphrase: Array("pp".utf8), parameters: fast)
        #expect(a.salt != b.salt)
        #expect(a.ciphertext != b.ciphertext)
    }

    @Test func tamperedParametersOrCiphertextFail() throws {
        let box = try PassphraseSealedBox.seal(secret, passphrase: Array("pp".utf8), parameters: fast)
        var raised = box
        raised.scrypt.log2N = 11
        #expect(throws: SecretsError.wrongPassphrase) { try raised.open(passphrase: Array("pp".utf8)) }
        var flipped = box
        flipped.ciphertext = String(flipped.ciphertext.dropLast()) + (flipped.ciphertext.last == "0" ? "1" : "0")
        #expect(throws: SecretsError.wrongPassphrase) { try flipped.open(passphrase: Array("pp".utf8)) }
    }

    @Test func hostileParametersAreRefusedBeforeAnyWork() throws {
        var box = try PassphraseSealedBox.seal(secret, passphrase: Array("pp".utf8), parameters: fast)
        box.scrypt.log2N = 40
        #expect(throws: SecretsError.unsupportedFormat("scrypt parameters out of range")) {
            try box.open(passphrase: Array("pp".utf8))
        }
    }
}
