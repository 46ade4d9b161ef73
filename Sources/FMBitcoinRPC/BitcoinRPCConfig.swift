import Foundation

/// How a client authenticates to the node.
public enum BitcoinRPCAuth: Sendable, Hashable {
    /// Bitcoin Core's `.cookie` file (`__cookie__:<hex>`), re-read whenever the node answers 401,
    /// so a restarted node's new cookie is picked up.
    case cookieFile(String)
    /// `-rpcuser`/`-rpcpassword` (or an `-rpcauth` entry).
    case userPassword(user: String, password: String)
}

/// Where the bitcoin node is and how to log in. Through fm's `JSONConventions` (snake_case) its
/// JSON form is `{"url": "http://127.0.0.1:18443", "cookie_file": "/path/.cookie"}`, or with
/// `user` and `password` instead of `cookie_file`.
public struct BitcoinRPCConfig: Sendable, Hashable, Codable {
    public var url: String
    public var cookieFile: String?
    public var user: String?
    public var password: String?

    public init(url: String, auth: BitcoinRPCAuth) {
        self.url = url
        switch auth {
        case .cookieFile(let path): cookieFile = path
        case let .userPassword(user, password):
            self.user = user
            self.password = password
        }
    }

    /// The authentication this config describes.
    /// - Throws: ``BitcoinRPCError/credentials(_:)`` unless exactly one of a cookie file or user+password is set.
    public func auth() throws(BitcoinRPCError) -> BitcoinRPCAuth {
        switch (cookieFile, user, password) {
        case (let cookie?, nil, nil): return .cookieFile(cookie)
        case (nil, let user?, let password?): return .userPassword(user: user, password: password)
        default: throw .credentials("set either cookie_file, or user and password")
        }
    }

    /// A client for this config.
    public func makeClient() throws -> BitcoinCoreRPCClient {
        try BitcoinCoreRPCClient(url: url, auth: try auth())
    }
}

extension BitcoinRPCAuth {
    /// The `user:password` that goes into the Basic authorization header.
    func credentials() throws(BitcoinRPCError) -> String {
        switch self {
        case let .userPassword(user, password): return "\(user):\(password)"
        case .cookieFile(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .credentials("cannot read cookie file \(path)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.contains(":") else { throw .credentials("cookie file \(path) does not hold user:password") }
            return text
        }
    }
}
