/// The core client API's methods and wire shapes, shared by the guardian that serves them (FMServer's GuardianAPI)
/// and the client that calls them (FMClientCore's FederationAPI), so the two cannot drift apart. Keys go over the
/// wire in snake case (`out_indices`). docs/rpc.md describes each method.
public enum CoreAPI {
    public static let submitTransaction = "submit_transaction"
    public static let awaitTransaction = "await_transaction"
    public static let awaitOutputOutcome = "await_output_outcome"
    /// Several outputs of one transaction in one call (core API 1.1); older guardians answer `method_not_found`.
    public static let awaitOutputOutcomes = "await_output_outcomes"
    public static let clientConfig = "client_config"
    /// The public consensus config, whose canonical hash is the federation id (checked on join).
    public static let consensusConfig = "consensus_config"

    public struct SubmitTransactionParams: Codable, Sendable, Hashable {
        /// Hex of the transaction's canonical encoding.
        public var transaction: String
        public init(transaction: String) { self.transaction = transaction }
    }

    public struct SubmitTransactionResult: Codable, Sendable, Hashable {
        public var txid: TransactionID
        public init(txid: TransactionID) { self.txid = txid }
    }

    public struct AwaitTransactionParams: Codable, Sendable, Hashable {
        public var txid: TransactionID
        public init(txid: TransactionID) { self.txid = txid }
    }

    public struct AwaitOutputOutcomeParams: Codable, Sendable, Hashable {
        public var outPoint: OutPoint
        public init(outPoint: OutPoint) { self.outPoint = outPoint }
    }

    public struct OutputOutcome: Codable, Sendable, Hashable {
        /// Hex of the module's canonical output outcome (for the mint: this guardian's blind signature share).
        public var outcome: String
        public init(outcome: String) { self.outcome = outcome }
    }

    public struct AwaitOutputOutcomesParams: Codable, Sendable, Hashable {
        public var txid: TransactionID
        /// 1 to ``Transaction/maxOutcomesPerQuery`` strictly increasing output indices.
        public var outIndices: [UInt64]
        public init(txid: TransactionID, outIndices: [UInt64]) {
            self.txid = txid
            self.outIndices = outIndices
        }
    }

    public struct OutputOutcomes: Codable, Sendable, Hashable {
        /// Hex of each asked output's canonical outcome, in the order asked.
        public var outcomes: [String]
        public init(outcomes: [String]) { self.outcomes = outcomes }
    }
}
