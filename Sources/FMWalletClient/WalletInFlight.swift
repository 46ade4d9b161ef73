import FMClientCore
import FMCore
public import GRDB

extension WalletClientModule {
    /// A peg-in whose deposit is on chain brings its value in (before fees) until its claim — a mint operation,
    /// which then reports the notes itself — exists; a peg-out sends its amount out until bitcoin has it.
    public func inFlight(_ record: OperationRecord, in db: Database) throws -> InFlight? {
        switch record.kind {
        case PegIn.kind:
            let pegIn = try record.state.decode(PegIn.self)
            guard let deposit = pegIn.deposit, pegIn.phase == .waitingForFinality || pegIn.phase == .claiming,
                try !OperationLog.exists(pegIn.derivedClaimOperation, in: db)
            else { return nil }
            return InFlight(
                operationId: record.id, kind: record.kind, direction: .incoming, amountMsat: try Amount.sats(deposit.value),
                stage: pegIn.phase.rawValue)
        case PegOutOperation.kind:
            let pegOut = try record.state.decode(PegOutOperation.self)
            return InFlight(
                operationId: record.id, kind: record.kind, direction: .outgoing,
                amountMsat: try Amount.sats(pegOut.amountSats), stage: pegOut.phase.rawValue)
        default:
            return nil
        }
    }
}
