import FMBitcoinRPC

/// Why `sendrawtransaction` refused a transaction: Bitcoin Core's RPC error code and its
/// reject-reason text (e.g. -26 `"min relay fee not met, 110 < 141"`).
public struct TransactionRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: BitcoinRPCErrorCode
    public let reason: String

    /// A mempool policy or consensus rejection (`RPC_VERIFY_REJECTED`, -26).
    static func rejected(_ reason: String, _ detail: String? = nil) -> TransactionRejection {
        TransactionRejection(code: .verifyRejected, reason: detail.map { "\(reason), \($0)" } ?? reason)
    }

    /// Inputs not found in the chain or mempool (`RPC_VERIFY_ERROR`, -25, as Bitcoin Core 27 words it).
    static let missingInputs = TransactionRejection(code: .verifyError, reason: "Inputs missing or spent")
    /// The transaction's outputs are already in the UTXO set (`RPC_VERIFY_ALREADY_IN_CHAIN`, -27).
    static let alreadyInChain = TransactionRejection(code: .verifyAlreadyInChain, reason: "Transaction already in block chain")
    /// The fee rate is above sendrawtransaction's `maxfeerate` (-25).
    static let maximumFeeExceeded = TransactionRejection(
        code: .verifyError, reason: "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)")

    public var rpcError: BitcoinRPCError { .rpc(code: code, message: reason) }
    public var description: String { "\(code): \(reason)" }
}
