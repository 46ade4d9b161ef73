import FMCLI
import FMClient
import FMClientCore
import FMMintClient

extension FederationClient {
    /// Resumes unfinished operations, then reclaims the spends whose reclaim time has passed, logging on
    /// stderr what finished and what must wait.
    func resumeAndLog() async {
        let logger = LogSetup.logger()
        if let outcomes = try? await resumeUnfinished() {
            for (id, outcome) in outcomes {
                switch outcome {
                case .success(let record): logger.info("resumed operation \(id): \(record.status.rawValue)")
                case .failure(let error): logger.warning("operation \(id) cannot finish yet: \(error)")
                }
            }
        }
        await reclaimDueAndLog()
    }

    /// Reclaims the out-of-band spends not redeemed by their reclaim time (fm-mint spend --reclaim-after) and
    /// says on stderr how each ended: reclaimed, or redeemed by the receiver first.
    func reclaimDueAndLog() async {
        let logger = LogSetup.logger()
        guard let mint = module(MintClientModule.self), let outcomes = try? await mint.reclaimDue() else { return }
        for (id, outcome) in outcomes {
            switch outcome {
            case .success(let record):
                let status = record.resultField("reclaim_status", as: String.self) ?? "unknown"
                logger.notice("spend \(id) was not redeemed by its reclaim time: \(status.replacingOccurrences(of: "_", with: " "))")
            case .failure(let error): logger.warning("spend \(id) cannot be reclaimed yet: \(error)")
            }
        }
    }
}
