import FMCore
import Foundation

/// Who may call the RPC server: the cookie written into the data directory (`__cookie__:<64 hex>`,
/// mode 0600, new on every start, as bitcoind does) and/or a configured user and password.
public struct RPCCredentials: Sendable {
    /// Accepted `user:password` strings.
    let accepted: [String]

    public init(accepted: [String]) { self.accepted = accepted }

    /// Writes a fresh cookie to `path` (0600) and returns credentials accepting it, plus
    /// `user`/`password` when given.
    public static func writeCookie(at path: String, user: String? = nil, password: String? = nil) throws -> RPCCredentials {
        var rng = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        let cookie = "__cookie__:" + secret
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try AtomicFile.write(Array(cookie.utf8), to: path, mode: AtomicFile.secretMode)
        var accepted = [cookie]
        if let user, let password { accepted.append("\(user):\(password)") }
        return RPCCredentials(accepted: accepted)
    }

    /// Whether an `Authorization` header value is Basic auth with accepted credentials
    /// (compared in constant time per candidate).
    func allows(authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return false }
        let given = [UInt8](decoded)
        var match = false
        for candidate in accepted {
            let expected = Array(candidate.utf8)
            guard expected.count == given.count else { continue }
            var difference: UInt8 = 0
            for (a, b) in zip(expected, given) { difference |= a ^ b }
            if difference == 0 { match = true }
        }
        return match
    }
}
