import Metrics

/// The state digest in `/metrics` (swift-metrics, exported by fm-node's Prometheus registry):
/// `fm_state_digest_height`, `fm_state_digest_prefix` (the digest's first 6 bytes as a number, comparable across
/// guardians at the same height) and `fm_state_digest_mismatches_total` (reports that differed from ours; alert on
/// any increase).
struct DigestMetrics: Sendable {
    static let shared = DigestMetrics()

    let height = Gauge(label: "fm_state_digest_height")
    let prefix = Gauge(label: "fm_state_digest_prefix")
    let mismatches = Counter(label: "fm_state_digest_mismatches_total")

    func record(_ outcome: BlockOutcome) {
        height.record(Double(outcome.height))
        prefix.record(Double(outcome.stateDigest.bytes.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
        if !outcome.digestMismatches.isEmpty { mismatches.increment(by: outcome.digestMismatches.count) }
    }
}
