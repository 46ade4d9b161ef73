import FMCore
import FMEncoding

/// When a guardian proposes its state digest (``StateDigests``) for the others to compare: only after state could
/// have changed since its last report. Under steady traffic that is every ``StateDigests/reportInterval`` blocks;
/// when traffic stops, at the first quiet block after it (so divergence is still caught within a few blocks); while
/// idle, never. Reporting on a fixed block schedule would keep an idle federation busy: each report is an item, the
/// items fill blocks, and blocks with items end the idle back-off of consensus (ConsensusEngine+Idle.swift).
struct DigestReportSchedule {
    private var lastReport: UInt64?
    /// A guardian that just started reports once: it does not know what it reported before.
    private var changedSinceReport = true

    /// Whether a block's items can change state: anything but other guardians' digest reports (an empty block
    /// changes nothing; a report is only compared).
    static func changesState(_ items: [[UInt8]]) -> Bool {
        items.contains { item in
            guard let decoded = try? FederationItem(canonicalBytes: item), case .stateDigest = decoded else { return true }
            return false
        }
    }

    /// Records block `height`, applied, and says whether to report the digest after it.
    mutating func shouldReport(afterBlock height: UInt64, changedState: Bool) -> Bool {
        if changedState { changedSinceReport = true }
        guard changedSinceReport else { return false }
        let due = lastReport.map { height >= $0 + StateDigests.reportInterval } ?? true
        guard due || !changedState else { return false }
        lastReport = height
        changedSinceReport = false
        return true
    }
}
