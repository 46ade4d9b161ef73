import FMCore
import FMEncoding

/// The federation's verdict on a transaction (`await_transaction`): `{status, reason?: {code, message}}`, as
/// fm-node sends it.
public struct TransactionOutcome: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case accepted
        case rejected
    }

    /// Why the federation rejected a transaction: a stable code (e.g. `note_already_spent`) and a message.
    public struct Rejection: Codable, Equatable, Sendable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var status: Status
    public var rejection: Rejection?

    /// Why the federation rejected it, for the user.
    public var reason: String? { rejection?.message }

    public init(status: Status, rejection: Rejection? = nil) {
        self.status = status
        self.rejection = rejection
    }

    enum CodingKeys: String, CodingKey {
        case status
        case rejection = "reason"
    }
}

extension FederationAPI {
    /// How long the client waits for the federation to order and process a transaction.
    public static let processingTimeout: Duration = .seconds(120)

    /// Submits `transaction` to every guardian; returns its txid once t guardians took it.
    ///
    /// - Throws: `.rejected` with the guardians' reason when t of them refuse it at once (invalid
    ///   signature, spent note, unbalanced).
    public func submit(_ transaction: Transaction) async throws(FederationQueryError) -> TransactionID {
        let params = CoreAPI.SubmitTransactionParams(transaction: Hex.encode(transaction.canonicalBytes))
        let answer = try await consensus(CoreAPI.submitTransaction, params: params, as: CoreAPI.SubmitTransactionResult.self)
        guard answer.txid == transaction.txid else {
            throw .rejected(
                method: CoreAPI.submitTransaction, code: "txid_mismatch",
                message: "the guardians report txid \(answer.txid), not \(transaction.txid)")
        }
        return answer.txid
    }

    /// Waits until the federation accepted or rejected `txid` (t guardians agreeing), up to `timeout`.
    public func awaitTransaction(
        _ txid: TransactionID, timeout: Duration = processingTimeout
    ) async throws(FederationQueryError) -> TransactionOutcome {
        try await consensus(
            CoreAPI.awaitTransaction, params: CoreAPI.AwaitTransactionParams(txid: txid), as: TransactionOutcome.self,
            timeout: timeout)
    }

    /// Each answering guardian's outcome for `outPoint` (its canonical bytes): at least t that pass
    /// `verify`, plus those of guardians whose outcome failed it, so the caller can name them.
    public func awaitOutputOutcomes(
        _ outPoint: OutPoint, verify: @escaping @Sendable (PeerID, [UInt8]) -> Bool
    ) async throws(FederationQueryError) -> [PeerID: [UInt8]] {
        let answers = try await verifiedAnswers(
            CoreAPI.awaitOutputOutcome, params: CoreAPI.AwaitOutputOutcomeParams(outPoint: outPoint),
            as: CoreAPI.OutputOutcome.self, timeout: Self.processingTimeout
        ) { peer, answer in
            guard let bytes = Hex.decode(answer.outcome) else { return false }
            return verify(peer, bytes)
        }
        var outcomes = answers.valid.mapValues { Hex.decode($0.outcome)! }
        for (peer, answer) in answers.failedVerification { outcomes[peer] = Hex.decode(answer.outcome) ?? [] }
        return outcomes
    }

    /// Each answering guardian's outcomes for outputs `outIndices` of `txid` (canonical bytes, in that order), in one
    /// call per guardian (`await_output_outcomes`): what `check` made of at least t guardians' outcomes, plus the
    /// outcomes of guardians that failed it (or answered another number of them: an empty list), to be named.
    /// A guardian of an older release (`method_not_found`) is asked `await_output_outcome` for each output instead.
    public func awaitOutputOutcomes<Checked: Sendable>(
        _ txid: TransactionID, outIndices: [UInt64], timeout: Duration = processingTimeout,
        check: @escaping @Sendable (PeerID, [[UInt8]]) -> Checked?
    ) async throws(FederationQueryError) -> CheckedAnswers<Checked, [[UInt8]]> {
        let count = outIndices.count
        let answers: CheckedAnswers<Checked, CoreAPI.OutputOutcomes> = try await checkedAnswers(
            CoreAPI.awaitOutputOutcomes, params: CoreAPI.AwaitOutputOutcomesParams(txid: txid, outIndices: outIndices),
            as: CoreAPI.OutputOutcomes.self, timeout: timeout,
            fallback: { peer in await self.askEachOutputOutcome(peer, txid: txid, outIndices: outIndices, timeout: timeout) }
        ) { peer, answer in
            guard let outcomes = Self.decode(answer, count: count) else { return nil }
            return check(peer, outcomes)
        }
        return CheckedAnswers(
            valid: answers.valid, failedVerification: answers.failedVerification.mapValues { Self.decode($0, count: count) ?? [] })
    }

    /// The hex outcomes as bytes, or nil unless there are `count` of them and all are hex.
    private static func decode(_ answer: CoreAPI.OutputOutcomes, count: Int) -> [[UInt8]]? {
        guard answer.outcomes.count == count else { return nil }
        var outcomes: [[UInt8]] = []
        outcomes.reserveCapacity(count)
        for hex in answer.outcomes {
            guard let bytes = Hex.decode(hex) else { return nil }
            outcomes.append(bytes)
        }
        return outcomes
    }

    /// `await_output_outcomes`' answer assembled from one `await_output_outcome` call per output (all at once), for a
    /// guardian that does not serve the former; its first error is the guardian's answer.
    private func askEachOutputOutcome(
        _ peer: PeerID, txid: TransactionID, outIndices: [UInt64], timeout: Duration
    ) async -> Swift.Result<JSONValue, any Error> {
        let answers = await withTaskGroup(of: OutcomeReply.self) { group in
            for (position, outIndex) in outIndices.enumerated() {
                group.addTask {
                    let params = CoreAPI.AwaitOutputOutcomeParams(outPoint: OutPoint(txid: txid, outIndex: outIndex))
                    return OutcomeReply(
                        position: position,
                        result: await ask(peer, method: CoreAPI.awaitOutputOutcome, params: params, timeout: timeout))
                }
            }
            var answers = [Swift.Result<JSONValue, any Error>?](repeating: nil, count: outIndices.count)
            for await reply in group { answers[reply.position] = reply.result }
            return answers
        }
        do {
            let outcomes = try answers.map { answer in try answer!.get().decode(CoreAPI.OutputOutcome.self).outcome }
            return .success(try JSONValue(CoreAPI.OutputOutcomes(outcomes: outcomes)))
        } catch {
            return .failure(error)
        }
    }

    /// One output's answer as a child task returns it (a struct, not a tuple: see ``Reply``).
    struct OutcomeReply: Sendable {
        let position: Int
        let result: Swift.Result<JSONValue, any Error>
    }
}
