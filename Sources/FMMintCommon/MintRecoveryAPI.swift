import FMCore

/// The compact history a recovering client scans (docs/rpc.md, "Recovery"): the issuance log as pages of
/// fixed-size binary records, checked against a digest t guardians agree on, and the signature shares of
/// the few outputs the client finds to be its own, in bulk.
extension MintAPI {
    /// `mint/recovery_page {from, limit?, digest_only?}` → ``RecoveryPage``.
    public static let recoveryPage = "recovery_page"
    /// `mint/recovery_shares {seqs: [seq]}` → `{shares: hex}`: this guardian's 48-byte blind signature share of
    /// each logged output, concatenated in the order asked.
    public static let recoveryShares = "recovery_shares"

    /// The largest (and default) page of `recovery_page`: 4,096 records of 49 bytes, about 400 KB of hex.
    public static let maxRecordsPerPage: UInt32 = 4_096
    /// The most sequence numbers one `recovery_shares` call may ask about.
    public static let maxSharesPerCall = 1_000
    /// One record of a recovery page: the denomination's exponent (1 byte) and the 48-byte blinded message.
    public static let recoveryRecordBytes = 49

    public struct RecoveryPageParams: Codable, Sendable, Equatable {
        /// The first sequence number wanted.
        public var from: UInt64
        /// At most this many records (default and cap ``MintAPI/maxRecordsPerPage``).
        public var limit: UInt32?
        /// Answer only `count`, `digest` and `next` (what the client asks t guardians to agree on).
        public var digestOnly: Bool?
        public init(from: UInt64, limit: UInt32? = nil, digestOnly: Bool? = nil) {
            self.from = from
            self.limit = limit
            self.digestOnly = digestOnly
        }
    }

    /// A page of the issuance log from `from`: `count` records, their SHA-256 `digest` (over the raw
    /// records), the records themselves as hex unless `digest_only`, and `next` = `from` + `count`.
    public struct RecoveryPage: Codable, Sendable, Equatable {
        public var count: UInt32
        public var digest: Hash256
        public var next: UInt64
        public var records: String?
        /// With the records: the length of this guardian's log (its own view, for progress and for a snapshot's
        /// cursor, which takes the least of t answers; never part of what guardians must agree on).
        public var end: UInt64?
        public init(count: UInt32, digest: Hash256, next: UInt64, records: String?, end: UInt64?) {
            self.count = count
            self.digest = digest
            self.next = next
            self.records = records
            self.end = end
        }

        /// The page of `records` (concatenated raw records) starting at `from`; with the records only when `end`
        /// (the guardian's log length) is given.
        public init(from: UInt64, records: [UInt8], end: UInt64?) {
            let count = records.count / MintAPI.recoveryRecordBytes
            self.init(
                count: UInt32(count), digest: Hash256.sha256(records), next: from + UInt64(count),
                records: end == nil ? nil : Hex.encode(records), end: end)
        }

        /// The same page without its records: what t guardians must agree on.
        public var digestOnly: RecoveryPage { RecoveryPage(count: count, digest: digest, next: next, records: nil, end: nil) }
    }

    public struct RecoverySharesParams: Codable, Sendable, Equatable {
        public var seqs: [UInt64]
        public init(seqs: [UInt64]) { self.seqs = seqs }
    }

    public struct RecoverySharesResult: Codable, Sendable, Equatable {
        /// Hex of 48 bytes per asked sequence number, in order.
        public var shares: String
        public init(shares: String) { self.shares = shares }
    }
}
