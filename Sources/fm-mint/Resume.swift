import FMCLI
import FMClient

extension FederationClient {
    /// Resumes unfinished operations, logging on stderr what finished and what must wait.
    func resumeAndLog() async {
        let logger = LogSetup.logger()
        guard let outcomes = try? await resumeUnfinished() else { return }
        for (id, outcome) in outcomes {
            switch outcome {
            case .success(let record): logger.info("resumed operation \(id): \(record.status.rawValue)")
            case .failure(let error): logger.warning("operation \(id) cannot finish yet: \(error)")
            }
        }
    }
}
