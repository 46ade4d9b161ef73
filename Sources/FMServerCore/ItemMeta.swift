import FMCore
import FMSecp256k1

/// What a module reports about one transaction input it accepted.
///
/// The guardian adds up `amount` over the inputs and checks the transaction's
/// balance; `fee` is part of what the transaction must leave unspent; and the
/// transaction must carry a valid BIP-340 signature by `spendKey` over its txid.
public struct InputMeta: Hashable, Sendable {
    /// The value the input brings into the transaction.
    public let amount: Amount
    /// The fee the federation charges for this input.
    public let fee: Amount
    /// The key whose Schnorr signature over the txid authorizes spending this input.
    public let spendKey: XOnlyPublicKey

    public init(amount: Amount, fee: Amount, spendKey: XOnlyPublicKey) {
        self.amount = amount
        self.fee = fee
        self.spendKey = spendKey
    }
}

/// What a module reports about one transaction output it accepted.
public struct OutputMeta: Hashable, Sendable {
    /// The value the output takes out of the transaction.
    public let amount: Amount
    /// The fee the federation charges for this output.
    public let fee: Amount

    public init(amount: Amount, fee: Amount) {
        self.amount = amount
        self.fee = fee
    }
}
