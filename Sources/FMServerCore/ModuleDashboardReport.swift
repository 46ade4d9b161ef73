import FMCore
import FMStorage

/// A module that tells the operator dashboard what it holds, in figures a person reads (issue 18).
///
/// The dashboard renders the report generically (facts, then tables), so a module keeps its tables private and
/// the dashboard never reads another subsystem's SQL. Called in a **read-only** transaction on committed state;
/// a report must hold public figures only (never a key share, nonce secret or anything of the private config).
public protocol ModuleDashboardReporting: ServerModule {
    func dashboardReport(db: any StorageReading) throws -> ModuleDashboardReport
}

/// One module's figures for the dashboard.
public struct ModuleDashboardReport: Sendable, Hashable {
    /// Single figures: label, value and a stable key (the page's element id is `<kind>-<key>`).
    public struct Fact: Sendable, Hashable {
        public var key: String
        public var label: String
        public var value: ModuleDashboardValue
        public init(_ key: String, _ label: String, _ value: ModuleDashboardValue) {
            self.key = key
            self.label = label
            self.value = value
        }
    }

    /// A table with a caption; every row has one value per column.
    public struct Table: Sendable, Hashable {
        public var key: String
        public var caption: String
        public var columns: [String]
        public var rows: [[ModuleDashboardValue]]
        /// Shown instead of an empty table.
        public var emptyText: String
        public init(_ key: String, caption: String, columns: [String], rows: [[ModuleDashboardValue]], emptyText: String) {
            self.key = key
            self.caption = caption
            self.columns = columns
            self.rows = rows
            self.emptyText = emptyText
        }
    }

    public var facts: [Fact]
    public var tables: [Table]
    public init(facts: [Fact], tables: [Table] = []) {
        self.facts = facts
        self.tables = tables
    }
}

/// A figure as the dashboard formats it: amounts in sat with msat precision, counts, plain text.
public enum ModuleDashboardValue: Sendable, Hashable {
    case amount(Amount)
    case sats(UInt64)
    case count(UInt64)
    case text(String)
    /// A transaction id or similar long hex string (shown in a monospace font, wrapped).
    case identifier(String)
    /// A moment in unix seconds (a timelock, an expiry), shown relative and absolute.
    case unixTime(UInt64)
}
