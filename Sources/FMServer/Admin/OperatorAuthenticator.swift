import FMCore
import FMRPC
import FMSetup

/// Checks the operator's credential on the guardian's admin API methods (``FMRPC/RPCAccess/admin``): the token of
/// ``OperatorToken`` or the operator password (its scrypt hash, ``FMSetup/OperatorPasswordHash``, the one the
/// dashboard uses).
///
/// Tokens are compared as SHA-256 digests in constant time. Failures are limited per remote address (the first
/// ``failureBurst`` pass, then one per ``failureInterval``); a rate-limited address is refused before its credential
/// is looked at. Wrong passwords are limited for all addresses together as well, since each costs an scrypt
/// (about 0.1 s and 32 MiB): under such an attack the token still works. Nothing here logs a credential.
public final class OperatorAuthenticator: RPCAdminGate {
    private let tokenDigest: [UInt8]
    private let password: OperatorPasswordHash?
    private let failures: KeyedRateLimiter
    private let passwordFailures: KeyedRateLimiter

    public static let failureBurst = 10
    public static let failureInterval = Duration.seconds(5)

    public init(token: String, password: OperatorPasswordHash?) {
        tokenDigest = Hash256.sha256(token.utf8).bytes
        self.password = password
        let perSecond = 1 / Double(Self.failureInterval.components.seconds)
        failures = KeyedRateLimiter(burst: Self.failureBurst, perSecond: perSecond)
        passwordFailures = KeyedRateLimiter(burst: 2 * Self.failureBurst, perSecond: 2 * perSecond, maxKeys: 1)
    }

    public func authorize(_ credential: AdminCredential?, clientAddress: String) async throws {
        guard failures.hasToken(clientAddress) else {
            throw JSONRPCError.adminRateLimited(perSecond: 1 / Double(Self.failureInterval.components.seconds))
        }
        let accepted: Bool
        switch credential {
        case .token(let token):
            accepted = Self.constantTimeEqual(Hash256.sha256(token.utf8).bytes, tokenDigest)
        case .password(let candidate):
            guard let password else {
                accepted = false
                break
            }
            guard passwordFailures.hasToken("password") else {
                throw JSONRPCError.adminRateLimited(perSecond: 2 / Double(Self.failureInterval.components.seconds))
            }
            accepted = password.matches(candidate)
            if !accepted { _ = passwordFailures.take("password") }
        case nil:
            accepted = false
        }
        guard accepted else {
            _ = failures.take(clientAddress)
            throw JSONRPCError.unauthorized
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
