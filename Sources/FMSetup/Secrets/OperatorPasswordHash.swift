import Crypto
import FMCore
import Foundation
import _CryptoExtras

/// The operator password as a guardian stores it: an scrypt (RFC 7914) hash with its salt and parameters,
/// one line of text, `scrypt$<log2 N>$<r>$<p>$<salt hex>$<hash hex>`. The password itself is never stored.
///
/// `fm-node dashboard-password` writes the line to a file (0600); `fm-node run --dashboard-password-file` reads it.
/// The same password logs in to the dashboard and authorizes the guardian's admin API methods (FMServer
/// `OperatorAuthenticator`).
public struct OperatorPasswordHash: Sendable, Equatable, CustomStringConvertible {
    public var log2N: Int
    public var r: Int
    public var p: Int
    public var salt: [UInt8]
    public var hash: [UInt8]

    /// N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s): the cost of each login attempt, on top of the rate limit.
    public static let defaultParameters = (log2N: 15, r: 8, p: 1)
    static let hashBytes = 32
    static let saltBytes = 16

    /// Hashes `password` under a fresh random salt.
    public static func make(password: String, log2N: Int = defaultParameters.log2N) throws -> OperatorPasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let (r, p) = (defaultParameters.r, defaultParameters.p)
        return OperatorPasswordHash(
            log2N: log2N, r: r, p: p, salt: salt,
            hash: try scrypt(Array(password.utf8), salt: salt, log2N: log2N, r: r, p: p, length: hashBytes))
    }

    /// Parses the stored line (surrounding whitespace ignored); parameters out of a sane range are refused, so a
    /// tampered file cannot make every login cost unbounded memory.
    public init(parsing text: String, field: String = "--dashboard-password-file") throws(InvalidInput) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "$", omittingEmptySubsequences: false)
        let expected = "a line scrypt$LOG2N$R$P$SALT$HASH as written by fm-node dashboard-password"
        guard parts.count == 6, parts[0] == "scrypt", let log2N = Int(parts[1]), let r = Int(parts[2]),
            let p = Int(parts[3]), let salt = Hex.decode(String(parts[4])), let hash = Hex.decode(String(parts[5])),
            (10...20).contains(log2N), (1...16).contains(r), (1...4).contains(p), salt.count >= 8,
            hash.count == Self.hashBytes
        else { throw InvalidInput(field: field, expected: expected) }
        self.init(log2N: log2N, r: r, p: p, salt: salt, hash: hash)
    }

    /// Reads the hash file at `path` (as ``init(parsing:field:)``); `field` names the flag that gave the path.
    public init(contentsOf path: String, field: String) throws(InvalidInput) {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw InvalidInput(field: field, expected: "a readable file, '\(path)' cannot be read")
        }
        try self.init(parsing: String(decoding: contents, as: UTF8.self), field: field)
    }

    init(log2N: Int, r: Int, p: Int, salt: [UInt8], hash: [UInt8]) {
        self.log2N = log2N
        self.r = r
        self.p = p
        self.salt = salt
        self.hash = hash
    }

    public var description: String { "scrypt$\(log2N)$\(r)$\(p)$\(Hex.encode(salt))$\(Hex.encode(hash))" }

    /// Whether `password` hashes to the stored hash (compared in constant time).
    public func matches(_ password: String) -> Bool {
        guard let candidate = try? Self.scrypt(Array(password.utf8), salt: salt, log2N: log2N, r: r, p: p, length: hash.count)
        else { return false }
        return candidate.count == hash.count && zip(candidate, hash).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// RFC 7914 scrypt (swift-crypto's BoringSSL implementation; checked against the RFC's vectors in the tests).
    static func scrypt(_ password: [UInt8], salt: [UInt8], log2N: Int, r: Int, p: Int, length: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: password, salt: salt, outputByteCount: length, rounds: 1 << log2N, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }
}
