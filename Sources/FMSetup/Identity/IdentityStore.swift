import FMCore
import FMPeerNetwork
import FMSecp256k1
import Foundation

/// A guardian's identity directory:
/// - `identity.sealed.json` (mode 0600): the setup code and both secret keys,
///   sealed under the operator's passphrase (`PassphraseSealedBox`);
/// - `setup-code.json` (mode 0644): the public setup code, for convenience.
///
/// The sealed file is the source of truth; loading checks that every secret
/// key matches the public key it claims.
public struct IdentityStore: Sendable {
    public let directory: String

    public static let sealedFileName = "identity.sealed.json"
    public static let setupCodeFileName = "setup-code.json"

    public init(directory: String) { self.directory = directory }

    public var sealedPath: String { (directory as NSString).appendingPathComponent(Self.sealedFileName) }
    public var setupCodePath: String { (directory as NSString).appendingPathComponent(Self.setupCodeFileName) }

    public var exists: Bool { FileManager.default.fileExists(atPath: sealedPath) }

    /// Seals and writes `identity`. Refuses to replace an existing identity unless `overwrite`.
    public func save(_ identity: GuardianIdentity, passphrase: [UInt8], overwrite: Bool) throws {
        if exists && !overwrite { throw IdentityError.alreadyExists(directory: directory) }
        var plaintext = try JSONConventions.encoder().encode(
            SealedContents(
                setupCode: identity.setupCode,
                consensusSecretKey: Hex.encode(identity.consensusKey.secretKey.rawRepresentation),
                tlsPrivateKey: Hex.encode(identity.tls.privateKeyRawRepresentation)))
        defer { plaintext.resetBytes(in: 0..<plaintext.count) }
        let box = try PassphraseSealedBox.seal(Array(plaintext), passphrase: passphrase)
        try AtomicFile.createPrivateDirectory(directory)
        try AtomicFile.write(
            try JSONConventions.encoder(pretty: true).encode(box), to: sealedPath, mode: AtomicFile.secretMode)
        try AtomicFile.write(
            try JSONConventions.encoder(pretty: true).encode(identity.setupCode) + Data("\n".utf8),
            to: setupCodePath, mode: AtomicFile.publicMode)
    }

    /// Opens the sealed identity; a wrong passphrase is `SecretsError.wrongPassphrase`.
    public func load(passphrase: [UInt8]) throws -> GuardianIdentity {
        guard let data = FileManager.default.contents(atPath: sealedPath) else {
            throw IdentityError.missing(directory: directory)
        }
        let box = try JSONConventions.decode(PassphraseSealedBox.self, from: data, what: Self.sealedFileName)
        var plaintext = try box.open(passphrase: passphrase)
        defer { for i in plaintext.indices { plaintext[i] = 0 } }
        let contents = try JSONConventions.decode(SealedContents.self, from: Data(plaintext), what: Self.sealedFileName)
        let code = try contents.setupCode.validated()
        guard let secretBytes = Hex.decode(contents.consensusSecretKey),
            let secret = try? SecretKey(rawRepresentation: secretBytes),
            let tlsKey = Hex.decode(contents.tlsPrivateKey),
            let tls = try? TLSIdentity(privateKeyRawRepresentation: tlsKey, certificateDER: code.certificate.derBytes)
        else { throw IdentityError.corrupt(directory: directory, what: "a secret key is malformed") }
        let keypair = Keypair(secretKey: secret)
        guard keypair.xOnlyPublicKey == code.consensusKey else {
            throw IdentityError.corrupt(directory: directory, what: "consensus key does not match the setup code")
        }
        return GuardianIdentity(
            name: code.name, p2pUrl: code.json.p2pUrl, apiUrl: code.apiUrl, consensusKey: keypair, tls: tls)
    }

    struct SealedContents: Codable {
        var setupCode: SetupCode
        var consensusSecretKey: String
        var tlsPrivateKey: String
    }
}

public enum IdentityError: ReportableError, Equatable {
    case alreadyExists(directory: String)
    case missing(directory: String)
    case corrupt(directory: String, what: String)

    public var category: FailureCategory {
        switch self {
        case .alreadyExists, .missing: .badInput
        case .corrupt: .failed
        }
    }

    public var code: String {
        switch self {
        case .alreadyExists: "identity_exists"
        case .missing: "identity_missing"
        case .corrupt: "identity_corrupt"
        }
    }

    public var field: String? {
        switch self {
        case .alreadyExists, .missing: "--dir"
        case .corrupt: nil
        }
    }

    public var description: String {
        switch self {
        case .alreadyExists(let dir):
            "--dir: expected a directory without an identity, '\(dir)' already has one (pass --force to replace it)"
        case .missing(let dir): "--dir: expected a guardian identity in '\(dir)', found none (run fm-keygen first)"
        case .corrupt(let dir, let what): "identity in '\(dir)' is corrupt: \(what)"
        }
    }
}
