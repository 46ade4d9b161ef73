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

/// The wire shapes of the core client API (ISSUE6_DESIGN: `submit_transaction`, `await_transaction`,
/// `await_output_outcome`, `client_config`). fm-node serves exactly these.
public enum CoreAPI {
    public static let submitTransaction = "submit_transaction"
    public static let awaitTransaction = "await_transaction"
    public static let awaitOutputOutcome = "await_output_outcome"
    public static let clientConfig = "client_config"
    /// The public consensus config, whose canonical hash is the federation id (checked on join).
    public static let consensusConfig = "consensus_config"

    public struct SubmitTransactionParams: Codable, Sendable, Equatable {
        /// Hex of the transaction's canonical encoding.
        public var transaction: String
        public init(transaction: String) { self.transaction = transaction }
    }

    public struct SubmitTransactionResult: Codable, Sendable, Equatable {
        public var txid: TransactionID
        public init(txid: TransactionID) { self.txid = txid }
    }

    public struct AwaitTransactionParams: Codable, Sendable, Equatable {
        public var txid: TransactionID
        public init(txid: TransactionID) { self.txid = txid }
    }

    public struct AwaitOutputOutcomeParams: Codable, Sendable, Equatable {
        public var outPoint: OutPoint
        public init(outPoint: OutPoint) { self.outPoint = outPoint }
    }

    public struct OutputOutcome: Codable, Sendable, Equatable {
        /// Hex of the module's canonical output outcome (for the mint: this guardian's blind signature share).
        public var outcome: String
        public init(outcome: String) { self.outcome = outcome }
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
}
