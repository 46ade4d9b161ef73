import Crypto
import FMCore
import Foundation
import _CryptoExtras

/// Secrets encrypted at rest under a passphrase: scrypt stretches the
/// passphrase into a 256-bit key, ChaCha20-Poly1305 encrypts and
/// authenticates. The KDF parameters travel with the ciphertext and are
/// authenticated as associated data, so they can be raised later without
/// breaking old files, and cannot be tampered with.
public struct PassphraseSealedBox: Codable, Equatable, Sendable {
    public struct ScryptParameters: Codable, Equatable, Sendable {
        public var log2N: Int
        public var r: Int
        public var p: Int

        public init(log2N: Int, r: Int, p: Int) {
            self.log2N = log2N
            self.r = r
            self.p = p
        }

        /// N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s per unlock here.
        public static let interactive = ScryptParameters(log2N: 15, r: 8, p: 1)

        /// Rejects parameters that would make opening a hostile file cost unbounded memory or time.
        var isSane: Bool { (10...20).contains(log2N) && (1...16).contains(r) && (1...4).contains(p) }

    }

    public var version: Int
    public var kdf: String
    public var scrypt: ScryptParameters
    public var salt: String
    public var cipher: String
    public var nonce: String
    public var ciphertext: String

    static let currentVersion = 1

    public static func seal(
        _ plaintext: [UInt8], passphrase: [UInt8], parameters: ScryptParameters = .interactive
    ) throws -> PassphraseSealedBox {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        var box = PassphraseSealedBox(
            version: currentVersion, kdf: "scrypt", scrypt: parameters, salt: Hex.encode(salt),
            cipher: "chacha20-poly1305", nonce: "", ciphertext: "")
        let key = try deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
        let sealed = try ChaChaPoly.seal(plaintext, using: key, authenticating: box.associatedData)
        box.nonce = Hex.encode(sealed.nonce)
        box.ciphertext = Hex.encode(sealed.ciphertext + sealed.tag)
        return box
    }

    /// Decrypts; a wrong passphrase and a tampered file are indistinguishable
    /// by design and both fail authentication.
    public func open(passphrase: [UInt8]) throws(SecretsError) -> [UInt8] {
        guard version == Self.currentVersion, kdf == "scrypt", cipher == "chacha20-poly1305" else {
            throw .unsupportedFormat("version \(version), kdf \(kdf), cipher \(cipher)")
        }
        guard scrypt.isSane else { throw .unsupportedFormat("scrypt parameters out of range") }
        guard let salt = Hex.decode(salt), let nonceBytes = Hex.decode(nonce),
            let combined = Hex.decode(ciphertext), combined.count >= 16
        else { throw .unsupportedFormat("salt, nonce or ciphertext is not hex") }
        do {
            let key = try Self.deriveKey(passphrase: passphrase, salt: salt, parameters: scrypt)
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: nonceBytes), ciphertext: combined.dropLast(16), tag: combined.suffix(16))
            return Array(try ChaChaPoly.open(box, using: key, authenticating: associatedData))
        } catch {
            throw .wrongPassphrase
        }
    }

    private var associatedData: [UInt8] {
        Array("fm-sealed-v\(version)|\(kdf)|\(scrypt.log2N)|\(scrypt.r)|\(scrypt.p)|\(salt)|\(cipher)".utf8)
    }

    private static func deriveKey(
        passphrase: [UInt8], salt: [UInt8], parameters: ScryptParameters
    ) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(
            from: passphrase, salt: salt, outputByteCount: 32, rounds: 1 << parameters.log2N,
            blockSize: parameters.r, parallelism: parameters.p)
    }
}

/// Failures to open sealed secrets.
public enum SecretsError: ReportableError, Equatable {
    case wrongPassphrase
    case unsupportedFormat(String)

    public var category: FailureCategory {
        switch self {
        case .wrongPassphrase: .badInput
        case .unsupportedFormat: .failed
        }
    }

    public var code: String {
        switch self {
        case .wrongPassphrase: "bad_passphrase"
        case .unsupportedFormat: "unsupported_secret_format"
        }
    }

    public var field: String? {
        switch self {
        case .wrongPassphrase: "passphrase"
        case .unsupportedFormat: nil
        }
    }

    public var description: String {
        switch self {
        case .wrongPassphrase: "passphrase: wrong passphrase (or the secrets file was altered)"
        case .unsupportedFormat(let what): "secrets file is in an unsupported format: \(what)"
        }
    }
}
