import FMCore
import FMSecp256k1

/// One module input the client adds to a transaction, with the key that must sign it.
public struct ClientInput: Sendable {
    public var item: ModuleItem
    public var amount: Amount
    /// The federation's fee for this input (from the module's config).
    public var fee: Amount
    /// The input's spend key: the transaction carries its BIP-340 signature over the txid.
    public var spendKey: Keypair

    public init(item: ModuleItem, amount: Amount, fee: Amount, spendKey: Keypair) {
        self.item = item
        self.amount = amount
        self.fee = fee
        self.spendKey = spendKey
    }
}

/// One module output the client adds to a transaction.
public struct ClientOutput: Sendable {
    public var item: ModuleItem
    public var amount: Amount
    public var fee: Amount

    public init(item: ModuleItem, amount: Amount, fee: Amount) {
        self.item = item
        self.amount = amount
        self.fee = fee
    }
}

/// Assembles inputs and outputs into a signed transaction that balances exactly
/// (BRIEF §2: sum(inputs) = sum(outputs) + fees).
public struct TransactionBuilder: Sendable {
    public var inputs: [ClientInput] = []
    public var outputs: [ClientOutput] = []

    public init(inputs: [ClientInput] = [], outputs: [ClientOutput] = []) {
        self.inputs = inputs
        self.outputs = outputs
    }

    /// What the outputs and fees take: sum(outputs) + every input's and output's fee.
    public func required() throws(AmountError) -> Amount {
        try Amount.sum(outputs.map(\.amount))
            .adding(try Amount.sum(outputs.map(\.fee)))
            .adding(try Amount.sum(inputs.map(\.fee)))
    }

    /// What the inputs bring.
    public func available() throws(AmountError) -> Amount { try Amount.sum(inputs.map(\.amount)) }

    /// The signed transaction: one signature per input, in input order, over the txid.
    ///
    /// - Throws: ``TransactionBuildError/unbalanced(inputs:required:)`` unless inputs cover outputs
    ///   plus fees exactly; the federation would reject anything else.
    public func build(nonce: TransactionNonce = .random()) throws(TransactionBuildError) -> Transaction {
        let available: Amount
        let required: Amount
        do {
            available = try self.available()
            required = try self.required()
        } catch { throw .overflow }
        guard available == required else { throw .unbalanced(inputs: available, required: required) }
        var transaction = Transaction(inputs: inputs.map(\.item), outputs: outputs.map(\.item), nonce: nonce)
        let message = transaction.txid.hash.bytes
        transaction.signatures = inputs.map { $0.spendKey.signSchnorr(message: message) }
        return transaction
    }
}

public enum TransactionBuildError: ReportableError, Equatable {
    case unbalanced(inputs: Amount, required: Amount)
    case overflow

    public var category: FailureCategory { .failed }
    public var code: String { "unbalanced_transaction" }
    public var description: String {
        switch self {
        case .unbalanced(let inputs, let required):
            "transaction does not balance: inputs bring \(inputs), outputs and fees take \(required)"
        case .overflow: "transaction amounts overflow"
        }
    }
}
