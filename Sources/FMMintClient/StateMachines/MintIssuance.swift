import FMClientCore
import FMCore
import FMCrypto
import FMEncoding
import FMMintCommon
import Foundation
public import GRDB

/// The one state machine behind every mint operation (reissue, receive, dev-issue, spend with change):
/// a signed transaction whose outputs are fresh notes of this client.
///
/// submitting → awaiting acceptance → done (the shares come with the verdict), or → failed when the federation
/// rejects the transaction. Awaiting shares lies between the two when the verdict came on its own (a transaction
/// the guardians split over at submission, an operation stored by an older release). Everything the trigger needs
/// is in the state (the signed transaction bytes, each output's denomination and derivation index), so a re-run
/// sends the very same transaction and asks for the same shares: re-running is harmless.
public struct MintIssuance: OperationStateMachine {
    public static let kind: OperationKind = "mint-issue"

    public enum Phase: String, Codable, Sendable {
        case submitting
        case awaitingAcceptance = "awaiting_acceptance"
        case awaitingShares = "awaiting_shares"
        case done
        case failed
    }

    /// One of our outputs: where it sits in the transaction and which secrets it derives from.
    public struct PlannedNote: Codable, Sendable, Equatable {
        public var outIndex: UInt64
        public var denomination: Denomination
        public var derivationIndex: UInt64
    }

    /// Set when the operation is a spend: after issuance, the notes at `outIndices` go into a note string.
    public struct SpendRequest: Codable, Sendable, Equatable {
        public var amount: Amount
        public var outIndices: [UInt64]
    }

    public var operation: OperationID
    public var phase: Phase
    /// Hex of the signed transaction's canonical encoding.
    public var transaction: String
    public var txid: TransactionID
    public var outputs: [PlannedNote]
    public var spend: SpendRequest?
    public var failure: String?
    /// What the operation produced once done (the note string of a spend; the issued amount otherwise).
    public var result: JSONValue?
    /// Guardians that served invalid signature shares (named for the user, never trusted).
    public var invalidSharePeers: [PeerID]
    /// Every fee the transaction pays (absent in operations stored before it was recorded).
    public var fee: Amount?

    public var ending: OperationEnding? {
        switch phase {
        case .done: .succeeded(result: result ?? .null)
        case .failed: .failed(reason: failure ?? "failed")
        default: nil
        }
    }

    /// How long a submitted transaction is waited for before it is submitted again (see `awaitingAcceptance`).
    static let resubmitAfter: Duration = .seconds(15)

    public enum Event: Sendable {
        case submitted
        case rejected(String)
        case accepted
        case issued([Note], invalidSharePeers: [PeerID])
    }

    public struct Environment: Sendable {
        public let api: FederationAPI
        public let config: MintClientConfig
        public let derivation: NoteDerivation
        public let federationId: FederationID
        public let module: ModuleInstanceID
    }

    public func trigger(in environment: Environment) async throws -> Event {
        switch phase {
        case .submitting:
            guard let bytes = Hex.decode(transaction) else { return .rejected("stored transaction is corrupt") }
            let decoded = try Transaction(canonicalBytes: bytes)
            let refusal: FederationQueryError?
            do {
                _ = try await environment.api.submit(decoded)
                refusal = nil
            } catch {
                refusal = error
            }
            guard let refusal else { return .submitted }
            if case .rejected(_, _, let message) = refusal { return .rejected(message) }
            if case .noAgreement = refusal, let event = try? await verdict(in: environment) {
                // Guardians split over a transaction racing another for the same notes (a receiver and a reclaim):
                // some admitted it, some had already seen the other. Consensus orders the two, and its outcome
                // decides; if none admitted it, the wait ends without one and the submission is retried later.
                return event
            }
            throw refusal
        case .awaitingAcceptance:
            // Guardians answer an output's outcome only once its transaction is accepted, and a rejected one's with the
            // rejection: one long poll per guardian awaits the verdict and brings the shares (no await_transaction
            // round trip first). Guardians keep submitted transactions in memory until consensus orders them: if
            // every guardian that took this one restarted first, none will ever propose it, and waiting alone never
            // ends. So a transaction not processed within a few blocks' time is submitted again (harmless: consensus
            // orders it once, and one already processed is answered as such), then waited for in full.
            // A refused outcome poll is checked against the verdict itself (t identical answers to await_transaction)
            // before the inputs are released: another error from t guardians must not pass for a rejection.
            guard !outputs.isEmpty else { return try await awaitVerdict(in: environment) }
            do {
                return try await issue(in: environment, waitingUpTo: Self.resubmitAfter)
            } catch let error as FederationQueryError {
                // No verdict either (t guardians refused the poll for another reason): resubmit and wait in full.
                if case .rejected = error, let event = try? await verdict(in: environment, waitingUpTo: Self.resubmitAfter) {
                    return event
                }
            }
            await resubmit(in: environment)
            do {
                return try await issue(in: environment, waitingUpTo: FederationAPI.processingTimeout)
            } catch let error as FederationQueryError {
                if case .rejected = error { return try await verdict(in: environment) }
                throw error
            }
        case .awaitingShares:
            return try await issue(in: environment, waitingUpTo: FederationAPI.processingTimeout)
        case .done, .failed:
            preconditionFailure("an ended operation is not triggered")
        }
    }

    /// The verdict alone, for a transaction without outputs of ours: accepted or rejected, resubmitted once when not
    /// processed within ``resubmitAfter`` (see `awaitingAcceptance`).
    private func awaitVerdict(in environment: Environment) async throws -> Event {
        if let event = try? await verdict(in: environment, waitingUpTo: Self.resubmitAfter) { return event }
        await resubmit(in: environment)
        return try await verdict(in: environment)
    }

    /// The federation's verdict (`await_transaction`, t identical answers): `.accepted` or `.rejected`.
    private func verdict(
        in environment: Environment, waitingUpTo timeout: Duration = FederationAPI.processingTimeout
    ) async throws -> Event {
        let outcome = try await environment.api.awaitTransaction(txid, timeout: timeout)
        return outcome.status == .accepted ? .accepted : .rejected(outcome.reason ?? "rejected by the federation")
    }

    /// Submits the stored transaction again, for guardians that lost it (any answer is fine: it is waited for next).
    private func resubmit(in environment: Environment) async {
        if let bytes = Hex.decode(transaction), let decoded = try? Transaction(canonicalBytes: bytes) {
            _ = try? await environment.api.submit(decoded)
        }
    }

    /// The notes of an accepted transaction: all outputs' shares in one long poll per guardian (each share decoded
    /// once, as it arrives), waiting up to `timeout` for the transaction to be accepted. Then every note and extra
    /// share is checked in one batch; only if that fails is each note finished on its own (which names the
    /// guardians whose shares are invalid, and asks again when t valid shares were not in).
    private func issue(in environment: Environment, waitingUpTo timeout: Duration) async throws -> Event {
        let secrets = outputs.map { environment.derivation.secret(denomination: $0.denomination, index: $0.derivationIndex) }
        let received = try await environment.api.awaitNoteOutcomes(txid, outIndices: outputs.map(\.outIndex), timeout: timeout)
        let results: [NoteIssuance.Result]
        if let batched = NoteIssuance.finalizeAllCombiningFirst(secrets, received: received, config: environment.config) {
            results = batched
        } else {
            results = try await withThrowingTaskGroup(of: IssuedOutput.self) { group in
                for (position, planned) in outputs.enumerated() {
                    let outPoint = OutPoint(txid: txid, outIndex: planned.outIndex)
                    let (secret, shares) = (secrets[position], received[position])
                    group.addTask {
                        IssuedOutput(
                            position: position,
                            result: try await environment.api.finishNote(
                                secret, at: outPoint, received: shares, config: environment.config))
                    }
                }
                var results = [NoteIssuance.Result?](repeating: nil, count: outputs.count)
                for try await issued in group { results[issued.position] = issued.result }
                return results.map { $0! }
            }
        }
        let notes = results.map(\.note.note)
        let invalid = Set(results.flatMap(\.invalidSharePeers))
        return .issued(notes, invalidSharePeers: invalid.sorted())
    }

    /// One output's note as a child task returns it (a struct, not a tuple: see FederationAPI.Reply).
    struct IssuedOutput: Sendable {
        let position: Int
        let result: NoteIssuance.Result
    }

    /// Submitted and accepted are only waypoints: lost to a power cut, the trigger submits again (guardians answer a
    /// known transaction as known) or waits for the outcome again, and reaches the same event. The first step (the
    /// reserved notes and indices, committed before this machine runs) and the last (the new notes) stay durable.
    public static func transitionIsDurable(on event: Event) -> Bool {
        switch event {
        case .submitted, .accepted: false
        case .rejected, .issued: true
        }
    }

    public func transition(on event: Event, in db: Database) throws -> MintIssuance {
        var next = self
        switch event {
        case .submitted:
            next.phase = .awaitingAcceptance
        case .rejected(let reason):
            // Our own notes that were inputs were not spent: they are ours again.
            try MintNoteStore.release(operation, in: db)
            try MintOutstandingSpends.settle(reclaim: operation, issued: false, rejection: reason, in: db)
            next.phase = .failed
            next.failure = reason
        case .accepted:
            try MintNoteStore.removeReserved(operation, in: db)
            next.phase = .awaitingShares
        case .issued(let notes, let invalidSharePeers):
            // Straight from awaiting acceptance (the shares came with the verdict), the spent inputs go here.
            try MintNoteStore.removeReserved(operation, in: db)
            next.invalidSharePeers = invalidSharePeers
            for (planned, note) in zip(outputs, notes) {
                try MintNoteStore.insert(note, index: planned.derivationIndex, in: db)
            }
            next.phase = .done
            let issued = try Amount.sum(notes.map(\.amount))
            var result: [String: JSONValue] = ["issued_msat": .unsigned(issued.msats), "txid": .string(txid.description)]
            if !invalidSharePeers.isEmpty {
                result["invalid_share_peers"] = .array(invalidSharePeers.map { .unsigned(UInt64($0.rawValue)) })
            }
            if let fee { result["fee_msat"] = .unsigned(fee.msats) }
            if spend != nil { result["spend_pending"] = .bool(true) }
            try MintOutstandingSpends.settle(reclaim: operation, issued: true, rejection: nil, in: db)
            next.result = .object(result)
        }
        return next
    }
}
