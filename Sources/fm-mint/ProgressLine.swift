import FMCLI
import FMClientCore
import Foundation
import Synchronization

/// The recovery progress line on stderr: at most one line a second, and the last state when the scan ends.
final class ProgressLine: Sendable {
    private let state = Mutex<(last: RecoveryProgress?, printed: ContinuousClock.Instant?)>((nil, nil))

    func update(_ progress: RecoveryProgress) {
        let line: String? = state.withLock { state in
            state.last = progress
            let now = ContinuousClock.now
            if let printed = state.printed, now - printed < .seconds(1) { return nil }
            state.printed = now
            return Self.text(progress)
        }
        if let line { StandardError.writeLine(line) }
    }

    func finish() {
        if let last = state.withLock({ $0.last }) { StandardError.writeLine(Self.text(last)) }
    }

    static func text(_ progress: RecoveryProgress) -> String {
        let remaining = progress.remaining.map { "\($0) left" } ?? "end unknown"
        return String(format: "recover: %llu items scanned, %.0f items/s, %@", progress.scanned, progress.itemsPerSecond, remaining)
    }
}
