import FMCore
import FMLightningCommon
import FMLightningServer
import FMSecp256k1
import FMServerCore
import Testing

/// The gateway registry (issue 15): signed announcements with a TTL, stored per gateway key, listed for clients;
/// anyone may post, so it is bounded and rate-limited.
@Suite struct GatewayRegistryTests {
    let configID = Hash256.sha256(Array("federation".utf8))
    let now: UInt64 = 1_800_000_000

    func announcement(
        _ key: Keypair, timestamp: UInt64? = nil, ttl: UInt64 = 600, configID: Hash256? = nil, base: UInt64 = 1_000
    ) throws -> SignedGatewayAnnouncement {
        try GatewayAnnouncement(
            configID: configID ?? self.configID, gatewayKey: key.xOnlyPublicKey, nodeKey: Keypair().publicKey,
            apiURL: "http://127.0.0.1:8175", baseFee: Amount(msats: base), feePartsPerMillion: 1_000, ttl: ttl,
            timestamp: timestamp ?? now
        ).signed(with: key)
    }

    @Test func aSignedAnnouncementIsListedUntilItExpires() throws {
        let registry = GatewayRegistry()
        let key = Keypair()
        let signed = try announcement(key)
        #expect(try registry.announce(signed, configID: configID, now: now) == now + 600)
        #expect(registry.list(now: now + 599) == [signed])
        #expect(registry.list(now: now + 600).isEmpty)
        // Round trip through its canonical bytes (what the API carries).
        #expect(try SignedGatewayAnnouncement(canonicalBytes: signed.canonicalBytes) == signed)
    }

    @Test func forgedForeignOrStaleAnnouncementsAreRefused() throws {
        let registry = GatewayRegistry()
        let key = Keypair()
        let signed = try announcement(key)
        let forged = SignedGatewayAnnouncement(announcement: signed.announcement, signature: Keypair().signSchnorr(message: signed.announcement.signedMessage))
        #expect(throws: LightningError.self) { try registry.announce(forged, configID: configID, now: now) }
        #expect(throws: LightningError.self) {
            try registry.announce(try announcement(key, configID: Hash256.sha256([0])), configID: configID, now: now)
        }
        #expect(throws: LightningError.self) {
            try registry.announce(try announcement(key, timestamp: now + GatewayRegistry.clockTolerance + 1), configID: configID, now: now)
        }
        #expect(throws: LightningError.self) {
            try registry.announce(try announcement(key, timestamp: now - 700, ttl: 600), configID: configID, now: now)
        }
        #expect(registry.list(now: now).isEmpty)
    }

    @Test func aGatewayRefreshesAtMostOncePerIntervalAndTheNewestWins() throws {
        let registry = GatewayRegistry()
        let key = Keypair()
        _ = try registry.announce(try announcement(key), configID: configID, now: now)
        #expect(throws: LightningError.self) {
            try registry.announce(try announcement(key, timestamp: now + 1, base: 5), configID: configID, now: now + 1)
        }
        let refreshed = try announcement(key, timestamp: now + GatewayRegistry.minimumRefreshInterval, base: 5)
        _ = try registry.announce(refreshed, configID: configID, now: now + GatewayRegistry.minimumRefreshInterval)
        #expect(registry.list(now: now + 40) == [refreshed])
    }

    @Test func theRegistryIsBoundedButKnownGatewaysStillRefresh() throws {
        let registry = GatewayRegistry(capacity: 3)
        let keys = (0..<3).map { _ in Keypair() }
        for key in keys { _ = try registry.announce(try announcement(key), configID: configID, now: now) }
        #expect(throws: LightningError.self) { try registry.announce(try announcement(Keypair()), configID: configID, now: now) }
        _ = try registry.announce(try announcement(keys[0], timestamp: now + 30), configID: configID, now: now + 30)
        // Once entries expire, room is made for new gateways.
        let later = now + 610  // keys 1 and 2 lapsed at now + 600; key 0, refreshed, lives until now + 630
        _ = try registry.announce(try announcement(Keypair(), timestamp: later), configID: configID, now: later)
        #expect(registry.list(now: later).count == 2)
    }

    @Test func theGatewayFeeIsBasePlusProportionalRoundedUpAndChecked() throws {
        let signed = try announcement(Keypair())
        #expect(try signed.announcement.fee(for: Amount(msats: 1_000_000)) == Amount(msats: 2_000))
        #expect(try signed.announcement.fee(for: Amount(msats: 1)) == Amount(msats: 1_001))
        #expect(try signed.announcement.fee(for: Amount(msats: UInt64.max)).msats == 1_000 + UInt64.max / 1_000 + 1)
        #expect(throws: LightningError.self) {
            try GatewayAnnouncement(
                configID: configID, gatewayKey: Keypair().xOnlyPublicKey, nodeKey: Keypair().publicKey, apiURL: "http://x",
                baseFee: .zero, feePartsPerMillion: LightningBounds.maxFeePartsPerMillion + 1, ttl: 600, timestamp: now)
        }
    }

    @Test func theAPIAcceptsAndListsAnnouncementsThroughTheModule() async throws {
        var federation = try LightningFederation()
        try await federation.agreeTime(LightningFederation.start)
        let key = Keypair()
        let signed = try GatewayAnnouncement(
            configID: federation.lnConfig.configID, gatewayKey: key.xOnlyPublicKey, nodeKey: Keypair().publicKey,
            apiURL: "http://127.0.0.1:8175", baseFee: Amount(msats: 1_000), feePartsPerMillion: 500, ttl: 600,
            timestamp: LightningFederation.start
        ).signed(with: key)
        let posted = try await federation.call(
            LightningAPI.announceGateway, .object(["announcement": .string(Hex.encode(signed.canonicalBytes))]))
        #expect(try posted.decode(LightningAPI.AnnounceResult.self).expiresAt == LightningFederation.start + 600)
        let listed = try await federation.call(LightningAPI.gateways, .object([:])).decode(LightningAPI.GatewaysResult.self)
        #expect(listed.gateways == [Hex.encode(signed.canonicalBytes)])
        // Other guardians hold their own lists (not consensus): the gateway posts to each.
        let other = try await federation.call(LightningAPI.gateways, .object([:]), at: 1).decode(LightningAPI.GatewaysResult.self)
        #expect(other.gateways.isEmpty)
        await #expect(throws: ModuleEndpointError.self) {
            try await federation.call(LightningAPI.announceGateway, .object(["announcement": .string("zz")]))
        }
    }
}
