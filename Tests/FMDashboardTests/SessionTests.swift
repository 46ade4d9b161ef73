import Testing

@testable import FMDashboard

@Suite struct SessionTests {
    @Test func sessionsAreRandomExpireAndEnd() {
        let sessions = DashboardSessions()
        let start = ContinuousClock.now
        let a = sessions.create(now: start)
        let b = sessions.create(now: start)
        #expect(a.id != b.id && a.csrfToken != b.csrfToken && a.id.count == 64)
        #expect(sessions.session(a.id, now: start)?.csrfToken == a.csrfToken)
        #expect(sessions.session("not-a-session", now: start) == nil)
        #expect(sessions.session(nil, now: start) == nil)
        // Idle too long: gone.
        #expect(sessions.session(a.id, now: start + DashboardSessions.idleLifetime + .seconds(1)) == nil)
        sessions.end(b.id)
        #expect(sessions.session(b.id, now: start) == nil)
    }

    @Test func activeSessionsStillEndAtTheMaximumLifetime() {
        let sessions = DashboardSessions()
        let start = ContinuousClock.now
        var now = start
        let session = sessions.create(now: now)
        while now + .seconds(600) < start + DashboardSessions.maxLifetime {
            now += .seconds(600)
            #expect(sessions.session(session.id, now: now) != nil)
        }
        #expect(sessions.session(session.id, now: now + .seconds(1200)) == nil)
    }

    @Test func sessionCountIsBounded() {
        let sessions = DashboardSessions()
        let first = sessions.create()
        for _ in 0..<DashboardSessions.maxSessions { _ = sessions.create() }
        #expect(sessions.session(first.id) == nil)
    }

    @Test func liveStreamsAreCappedPerSessionAndFreedWhenTheyEnd() {
        let sessions = DashboardSessions()
        let (a, b) = (sessions.create().id, sessions.create().id)
        for _ in 0..<DashboardSessions.maxStreamsPerSession { #expect(sessions.openStream(a)) }
        #expect(!sessions.openStream(a))
        #expect(sessions.openStream(b))
        sessions.closeStream(a)
        #expect(sessions.openStream(a))
        #expect(!sessions.openStream(a))
    }

    @Test func loginAttemptsAreRateLimitedPerAddressAndOverall() {
        let throttle = LoginThrottle()
        let now = ContinuousClock.now
        for _ in 0..<Int(LoginThrottle.perAddressBurst) { #expect(throttle.admit("10.0.0.1", now: now)) }
        #expect(!throttle.admit("10.0.0.1", now: now))
        #expect(throttle.admit("10.0.0.1", now: now + .seconds(LoginThrottle.perAddressInterval)))
        // Many addresses together hit the global cap.
        var admitted = 0
        for index in 0..<100 where throttle.admit("10.1.0.\(index)", now: now) { admitted += 1 }
        #expect(admitted < Int(LoginThrottle.globalBurst))
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEqual("abc", "abc"))
        #expect(!constantTimeEqual("abc", "abd"))
        #expect(!constantTimeEqual("abc", "abcd"))
    }

    @Test func formDecoding() {
        let form = DashboardServer.parseForm("csrf=ab%2Bc&password=p%26ss+word%3D&csrf=second")
        #expect(form["csrf"] == "ab+c")  // the first value wins
        #expect(form["password"] == "p&ss word=")
    }
}
