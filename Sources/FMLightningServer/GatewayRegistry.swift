import FMCore
import FMLightningCommon
import FMSecp256k1
import Foundation

/// The gateways that announced themselves to this guardian (docs/lightning.md, "Gateway registry").
///
/// Kept in memory, not in consensus: an announcement is signed by its gateway, so a client checks it itself and
/// needs no agreement about it, and the gateway refreshes it well within its TTL, so a restarted guardian has the
/// list back within one refresh. Anyone may post, so the registry is bounded: at most ``capacity`` unexpired
/// gateways (a new key is refused while it is full; known keys can still refresh), one accepted announcement per
/// gateway key per ``minimumRefreshInterval``, timestamps within ``clockTolerance`` of this guardian's clock.
public final class GatewayRegistry: @unchecked Sendable {
    public static let capacity = 256
    public static let minimumRefreshInterval: UInt64 = 30
    public static let clockTolerance: UInt64 = 600

    private let lock = NSLock()
    private var entries: [XOnlyPublicKey: SignedGatewayAnnouncement] = [:]
    let capacity: Int

    public init(capacity: Int = GatewayRegistry.capacity) { self.capacity = capacity }

    /// Checks and stores `signed` for federation `configID` at time `now`; returns when it expires.
    public func announce(_ signed: SignedGatewayAnnouncement, configID: Hash256, now: UInt64) throws(LightningError) -> UInt64 {
        let announcement = signed.announcement
        guard announcement.configID == configID else { throw .announcement("it is for another federation") }
        guard signed.isValid else { throw .announcement("the signature is not the gateway key's") }
        guard announcement.timestamp <= now + Self.clockTolerance, announcement.expiresAt > now,
            announcement.timestamp + Self.clockTolerance >= now
        else {
            throw .announcement("timestamp \(announcement.timestamp) is more than \(Self.clockTolerance) s from this guardian's clock (\(now))")
        }
        lock.lock()
        defer { lock.unlock() }
        purgeExpired(now: now)
        if let previous = entries[announcement.gatewayKey] {
            guard announcement.timestamp >= previous.announcement.timestamp + Self.minimumRefreshInterval else {
                throw .announcement("refreshed too soon: at most one announcement per \(Self.minimumRefreshInterval) s")
            }
        } else if entries.count >= capacity {
            throw .announcement("the registry holds \(capacity) gateways; try again when one expires")
        }
        entries[announcement.gatewayKey] = signed
        return announcement.expiresAt
    }

    /// The unexpired announcements, ordered by gateway key.
    public func list(now: UInt64) -> [SignedGatewayAnnouncement] {
        lock.lock()
        defer { lock.unlock() }
        purgeExpired(now: now)
        return entries.values.sorted { $0.announcement.gatewayKey.rawRepresentation.lexicographicallyPrecedes($1.announcement.gatewayKey.rawRepresentation) }
    }

    private func purgeExpired(now: UInt64) {
        entries = entries.filter { $0.value.announcement.expiresAt > now }
    }
}
