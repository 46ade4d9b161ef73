import ArgumentParser
import FMCLI
import FMClient
import FMCore
import Foundation

extension FMMint {
    struct Meta: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "meta",
            abstract: "Fetch the federation meta (name, welcome message, expiry, successor) that t guardians serve.",
            discussion: """
                Asks the guardians for the meta they agreed on and accepts the revision t of them serve \
                identically; a lower revision than the one accepted before is ignored. Warns on stderr when the \
                federation expires within 30 days, with its successor's invite code.

                Examples:
                  fm-mint meta | jq -r .name
                  fm-mint meta --data-dir alice | jq .revision
                """)

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let client = try await options.open(resume: false, warnExpiry: false)
            let meta = try await client.refreshMeta()
            meta.warnIfExpiring()
            try StandardOutput.emit(MetaSummary(meta))
        }
    }
}

/// What `fm-mint meta` prints: the revision, the well-known fields by name, and every entry.
struct MetaSummary: Encodable {
    var revision: UInt64
    var name: String?
    var welcomeMessage: String?
    var expiryTimestamp: UInt64?
    var successorInvite: String?
    var entries: [FederationMeta.Entry]

    init(_ meta: FederationMeta) {
        revision = meta.revision
        name = meta[FederationMeta.name]
        welcomeMessage = meta[FederationMeta.welcomeMessage]
        expiryTimestamp = meta.expiry
        successorInvite = meta[FederationMeta.successorInvite]
        entries = meta.entries
    }
}

extension FederationMeta {
    /// Prints ``expiryWarning(now:)`` on stderr when the federation expires within 30 days.
    func warnIfExpiring() {
        let now = UInt64(max(0, Date().timeIntervalSince1970))
        if let warning = expiryWarning(now: now) { StandardError.writeLine("fm-mint: \(warning)") }
    }
}
