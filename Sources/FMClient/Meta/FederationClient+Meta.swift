import FMClientCore
import FMCore
import FMDatabase
import Foundation
import GRDB

/// The federation meta as this client last accepted it (issue 22): the revision t guardians served identically.
/// A lower revision never replaces a higher one, so a lagging or lying minority cannot roll it back.
enum ClientMetaSchema {
    static let schema = SubsystemSchema(prefix: "fedmeta", migrations: [
        SchemaMigration("v1 accepted meta") { db in
            try db.execute(sql: """
                CREATE TABLE fedmeta_accepted (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision INTEGER NOT NULL,
                    meta TEXT NOT NULL
                );
                """)
        },
    ])
}

extension FederationClient {
    /// Fetches the meta from the guardians, accepts the one t of them serve identically when its revision is
    /// newer than the stored one, and returns what is stored then.
    public func refreshMeta(timeout: Duration? = nil) async throws -> FederationMeta {
        let fetched = try await api.settledConsensus("meta", params: EmptyParams(), as: FederationMeta.self, timeout: timeout)
        let text = try JSONConventions.line(fetched)
        return try await database.write { db in
            let stored = try Self.storedMeta(db)
            guard fetched.revision > stored.revision else { return stored }
            try db.execute(
                sql: "INSERT OR REPLACE INTO fedmeta_accepted (id, revision, meta) VALUES (1, ?, ?)",
                arguments: [try fetched.revision.storedInteger("revision"), text])
            return fetched
        }
    }

    /// The meta accepted last (revision 0, empty, before any).
    public func storedMeta() async throws -> FederationMeta {
        try await database.read { db in try Self.storedMeta(db) }
    }

    static func storedMeta(_ db: Database) throws -> FederationMeta {
        guard let text = try String.fetchOne(db, sql: "SELECT meta FROM fedmeta_accepted WHERE id = 1") else { return .empty }
        return try JSONConventions.decode(FederationMeta.self, from: Data(text.utf8), what: "stored meta")
    }
}

extension FederationMeta {
    /// How long before the federation's expiry clients warn.
    public static let expiryWarningWindow: UInt64 = 30 * 24 * 3600

    /// The warning a client prints when the federation expires within ``expiryWarningWindow`` of `now` (unix
    /// seconds), naming the successor when there is one; `nil` otherwise.
    public func expiryWarning(now: UInt64) -> String? {
        guard let expiry else { return nil }
        let (horizon, overflow) = now.addingReportingOverflow(Self.expiryWarningWindow)
        guard overflow || expiry <= horizon else { return nil }
        let when = expiry <= now ? "expired" : "expires in \((expiry - now) / 86_400) days"
        let successor = self[Self.successorInvite].map { "; its successor's invite code: \($0)" } ?? ""
        return "warning: this federation \(when) (expiry_timestamp \(expiry))\(successor)"
    }
}
