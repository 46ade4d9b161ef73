import FMBitcoin
import FMClientCore
import FMCore
import FMEncoding
import FMMintClient
import FMWalletCommon
public import GRDB

/// A peg-out: the e-cash transaction (notes in, change notes and the wallet output out) runs as a mint operation;
/// once the federation accepted it, the wallet output's outcome — agreed by t guardians — is the bitcoin txid of
/// the peg-out transaction, which the guardians sign and broadcast.
public struct PegOutOperation: OperationStateMachine {
    public static let kind: OperationKind = "wallet-peg-out"

    public enum Phase: String, Codable, Sendable {
        case awaitingAcceptance = "awaiting_acceptance"
        case awaitingTxid = "awaiting_txid"
        case done
        case failed
    }

    public var phase: Phase = .awaitingAcceptance
    public var address: String
    public var amountSats: UInt64
    public var feeSats: UInt64
    /// Of `feeSats`, the change below the dust limit the transaction leaves to the miners (absent in operations
    /// stored before it was recorded).
    public var dustSats: UInt64?
    /// The bump reserve paid in e-cash for the federation's fee surplus (absent in operations stored before it
    /// was charged).
    public var bumpReserveSats: UInt64?
    public var feeRate: UInt64
    public var mintOperation: OperationID
    public var transaction: TransactionID
    public var outIndex: UInt64
    public var bitcoinTxid: String?
    public var failure: String?

    public var ending: OperationEnding? {
        switch phase {
        case .done:
            .succeeded(result: .object([
                "txid": .string(bitcoinTxid ?? ""), "address": .string(address), "amount_sats": .unsigned(amountSats),
                "fee_sats": .unsigned(feeSats), "dust_sats": .unsigned(dustSats ?? 0), "fee_rate": .unsigned(feeRate),
                "bump_reserve_sats": .unsigned(bumpReserveSats ?? 0),
            ]))
        case .failed: .failed(reason: failure ?? "failed")
        default: nil
        }
    }

    public enum Event: Sendable {
        case accepted
        case rejected(String)
        case txid(String)
    }

    public struct Environment: Sendable {
        let wallet: WalletClientModule
        let mint: MintClientModule
    }

    public func trigger(in environment: Environment) async throws -> Event {
        switch phase {
        case .awaitingAcceptance:
            let record = try await environment.mint.await(mintOperation)
            return record.status == .succeeded ? .accepted : .rejected(record.failure ?? "rejected by the federation")
        case .awaitingTxid:
            let outcomes = try await environment.wallet.api.awaitOutputOutcomes(OutPoint(txid: transaction, outIndex: outIndex)) { _, bytes in
                (try? WalletOutputOutcome(canonicalBytes: bytes)) != nil
            }
            var counts: [[UInt8]: Int] = [:]
            for bytes in outcomes.values { counts[bytes, default: 0] += 1 }
            guard let agreed = counts.first(where: { $0.value >= environment.wallet.api.threshold })?.key,
                case .pegOut(let txid) = try WalletOutputOutcome(canonicalBytes: agreed)
            else { throw WalletClientError.malformedAnswer("fewer than t guardians agree on the peg-out txid") }
            return .txid(txid.displayHex)
        case .done, .failed:
            preconditionFailure("an ended operation is not triggered")
        }
    }

    public func transition(on event: Event, in db: Database) throws -> PegOutOperation {
        var next = self
        switch event {
        case .accepted: next.phase = .awaitingTxid
        case .rejected(let reason):
            next.phase = .failed
            next.failure = reason
        case .txid(let txid):
            next.bitcoinTxid = txid
            next.phase = .done
        }
        return next
    }
}
