import FMSecp256k1

/// A BOLT 11 invoice with its signature and the payee's node key (from the `n` field or recovered from the
/// signature), as decoded from a string or produced by ``Invoice/signed(by:)``.
public struct SignedInvoice: Sendable, Hashable, CustomStringConvertible {
    public let invoice: Invoice
    public let signature: RecoverableSignature
    /// The node that signed (and will be paid).
    public let payeeNodeKey: PublicKey
    /// SHA-256 of the human-readable part's bytes and the data part (without signature) regrouped into bytes.
    public let signingHash: [UInt8]
    /// The invoice string, lower case.
    public let string: String

    public var description: String { string }

    /// How a reader treats a `p`, `h`, `s` or `n` field whose data_length is not 52, 52, 52 or 53.
    public enum WrongLengthRule: Sendable, Hashable {
        /// Fail: BOLT 11 since lightning/bolts PR #1243 (2025).
        case reject
        /// Skip the field, as BOLT 11 said before PR #1243 (and as its "fields which must be ignored" example
        /// still shows).
        case skip
    }

    public struct DecodingOptions: Sendable, Hashable {
        public var wrongLengthFields: WrongLengthRule
        /// Fail on unknown even feature bits and missing feature dependencies (a payer MUST NOT pay such an
        /// invoice); turn off only to display one.
        public var checkFeatures: Bool

        public init(wrongLengthFields: WrongLengthRule = .reject, checkFeatures: Bool = true) {
            self.wrongLengthFields = wrongLengthFields
            self.checkFeatures = checkFeatures
        }
    }

    /// Longest string accepted: BOLT 11 sets no limit, but input from outside needs one.
    public static let maximumLength = 16_384

    init(invoice: Invoice, signature: RecoverableSignature, payeeNodeKey: PublicKey, signingHash: [UInt8], string: String) {
        self.invoice = invoice
        self.signature = signature
        self.payeeNodeKey = payeeNodeKey
        self.signingHash = signingHash
        self.string = string
    }
}
