import FMCore

/// One module's balance sheet: what the federation holds (`assets`) against
/// what it owes its users (`liabilities`).
///
/// After every block the guardian sums the audits of all modules; if the
/// liabilities ever exceed the assets it stops processing (BRIEF §6).
public struct ModuleAudit: Hashable, Sendable, Codable {
    public var assets: Amount
    public var liabilities: Amount

    public init(assets: Amount, liabilities: Amount) {
        self.assets = assets
        self.liabilities = liabilities
    }

    public static let empty = ModuleAudit(assets: .zero, liabilities: .zero)

    /// True when the assets cover the liabilities.
    public var isSolvent: Bool { assets >= liabilities }

    /// The checked sum of several audits (the federation's total).
    public static func sum(_ audits: some Sequence<ModuleAudit>) throws(AmountError) -> ModuleAudit {
        var total = ModuleAudit.empty
        for audit in audits {
            total.assets = try total.assets.adding(audit.assets)
            total.liabilities = try total.liabilities.adding(audit.liabilities)
        }
        return total
    }
}
