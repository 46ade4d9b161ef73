import FMCore
import FMRPC
import NIOConcurrencyHelpers

/// The dashboard's logged-in sessions, in memory only (a restart logs everyone out).
///
/// A session id is 32 random bytes, created only by a successful login (an id the browser brings is never
/// adopted: no session fixation), sent as an HttpOnly SameSite=Strict cookie. Each session has its own CSRF
/// token that every form posts back. Sessions end after ``idleLifetime`` without a request, after
/// ``maxLifetime`` in any case, or at logout; at most ``maxSessions`` live at once (the oldest goes first). Each
/// session holds at most ``maxStreamsPerSession`` live-update streams, so a session (or a stolen cookie) cannot
/// make the guardian render pages for any number of held-open connections.
final class DashboardSessions: Sendable {
    struct Session: Sendable {
        let csrfToken: String
        let created: ContinuousClock.Instant
        var lastUsed: ContinuousClock.Instant
    }

    static let idleLifetime = Duration.seconds(30 * 60)
    static let maxLifetime = Duration.seconds(12 * 3600)
    static let maxSessions = 32
    /// A browser has one page open per tab; eight tabs is generous for one operator.
    static let maxStreamsPerSession = 8

    private let sessions = NIOLockedValueBox<[String: Session]>([:])
    private let openStreams = NIOLockedValueBox<[String: Int]>([:])

    /// Counts a live-update stream of session `id`; false (nothing counted) when it already holds the maximum.
    func openStream(_ id: String) -> Bool {
        openStreams.withLockedValue { streams in
            let open = streams[id, default: 0]
            guard open < Self.maxStreamsPerSession else { return false }
            streams[id] = open + 1
            return true
        }
    }

    /// The stream counted by ``openStream(_:)`` ended.
    func closeStream(_ id: String) {
        openStreams.withLockedValue { streams in
            let open = streams[id, default: 0]
            streams[id] = open > 1 ? open - 1 : nil
        }
    }

    /// A new session; returns its id (the cookie value) and CSRF token.
    func create(now: ContinuousClock.Instant = .now) -> (id: String, csrfToken: String) {
        let id = Self.randomToken()
        let session = Session(csrfToken: Self.randomToken(), created: now, lastUsed: now)
        sessions.withLockedValue { table in
            table = table.filter { Self.isLive($0.value, now: now) }
            while table.count >= Self.maxSessions, let oldest = table.min(by: { $0.value.created < $1.value.created }) {
                table.removeValue(forKey: oldest.key)
            }
            table[id] = session
        }
        return (id, session.csrfToken)
    }

    /// The live session with `id` (its idle timer restarted), or nil.
    func session(_ id: String?, now: ContinuousClock.Instant = .now) -> Session? {
        guard let id, !id.isEmpty else { return nil }
        return sessions.withLockedValue { table in
            guard var session = table[id] else { return nil }
            guard Self.isLive(session, now: now) else {
                table.removeValue(forKey: id)
                return nil
            }
            session.lastUsed = now
            table[id] = session
            return session
        }
    }

    func end(_ id: String) { _ = sessions.withLockedValue { $0.removeValue(forKey: id) } }

    private static func isLive(_ session: Session, now: ContinuousClock.Instant) -> Bool {
        now - session.lastUsed < idleLifetime && now - session.created < maxLifetime
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}

/// Login attempts allowed: per client address a burst of ``perAddressBurst`` then one per ``perAddressInterval``,
/// and for all addresses together ``globalBurst`` then one per ``globalInterval`` (each attempt costs an scrypt
/// hash, so this also caps the CPU and memory logins can take). A successful login costs an attempt too.
final class LoginThrottle: Sendable {
    static let perAddressBurst = 5.0
    static let perAddressInterval = 10.0
    static let globalBurst = 20.0
    static let globalInterval = 2.0
    static let maxAddresses = 4096

    private struct State {
        var global = TokenBucket(capacity: LoginThrottle.globalBurst, refillPerSecond: 1 / LoginThrottle.globalInterval)
        var perAddress: [String: TokenBucket] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Takes an attempt for `address`; false when it must wait.
    func admit(_ address: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLockedValue { state in
            if state.perAddress.count >= Self.maxAddresses, state.perAddress[address] == nil {
                state.perAddress.removeAll()  // refilled buckets are equivalent to absent ones; the global cap still holds
            }
            var bucket = state.perAddress[address]
                ?? TokenBucket(capacity: Self.perAddressBurst, refillPerSecond: 1 / Self.perAddressInterval, now: now)
            defer { state.perAddress[address] = bucket }
            guard bucket.take(now: now) else { return false }
            return state.global.take(now: now)
        }
    }
}
