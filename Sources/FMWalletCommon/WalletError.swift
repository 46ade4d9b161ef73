import FMCore

/// What can go wrong with peg-ins, peg-outs and wallet configs, each with a message naming what was wrong.
public enum WalletError: Error, Hashable, Sendable, ReportableError {
    /// Bytes that should be a wallet input, output, item or outcome could not be decoded.
    case malformed(what: String, reason: String)
    /// The merkle proof is invalid or does not contain the peg-in transaction.
    case transactionNotInProof(txid: String)
    /// The proof names an output the transaction does not have.
    case outputIndexOutOfRange(index: UInt32, outputs: Int)
    /// The output does not pay the federation's address tweaked with the proof's key.
    case wrongDepositAddress(expected: String)
    /// The proof's block is not (yet) one the federation counts as final.
    case unknownBlock(hash: String)
    /// The deposit was claimed before; a deposit can be claimed once.
    case alreadyClaimed(outPoint: String)
    /// The deposit is worth no more than the peg-in fee.
    case depositTooSmall(sats: UInt64, feeMsat: UInt64)
    /// The peg-out address is not a valid address of the federation's network.
    case invalidAddress(String, network: String)
    /// The peg-out amount is below the dust limit.
    case amountBelowDust(sats: UInt64, dust: UInt64)
    /// The peg-out fee rate is below the federation's consensus fee rate.
    case feeRateTooLow(offered: UInt64, required: UInt64)
    /// The peg-out fee does not pay its fee rate for the transaction the federation builds.
    case feeTooLow(offered: UInt64, required: UInt64, inputs: Int)
    /// The peg-out would leave change below the dust limit: it must pay `requiredFee` (the change goes to miners).
    case dustChange(change: UInt64, requiredFee: UInt64, dust: UInt64)
    /// The peg-out transaction would need more inputs than one signature share carries, or weigh more than
    /// Bitcoin Core relays.
    case pegOutTooLarge(inputs: Int, weight: Int?)
    /// A value from a request or an item is above its documented maximum (or a sum of such values overflows).
    case outOfRange(field: String, value: String, maximum: String)
    /// The federation's bitcoin cannot fund the peg-out.
    case insufficientFederationFunds(needed: UInt64, available: UInt64)
    /// A signature share does not verify.
    case invalidSignatureShare(peer: PeerID, reason: String)
    /// A vote names another guardian than the one that proposed it.
    case voteNotFromProposer(voter: PeerID, proposer: PeerID)
    /// A chain-fact vote that contradicts an agreed fact or lies outside the heights or transactions votes are
    /// taken for (docs/wallet.md, "Chain facts"); the whole item is refused.
    case chainVoteRefused(peer: PeerID, reason: String)
    /// A wallet config that is inconsistent or does not belong to this guardian.
    case invalidConfig(String)

    public var code: String {
        switch self {
        case .malformed: "malformed_wallet_item"
        case .transactionNotInProof: "transaction_not_in_proof"
        case .outputIndexOutOfRange: "output_index_out_of_range"
        case .wrongDepositAddress: "wrong_deposit_address"
        case .unknownBlock: "unknown_block"
        case .alreadyClaimed: "deposit_already_claimed"
        case .depositTooSmall: "deposit_too_small"
        case .invalidAddress: "invalid_address"
        case .amountBelowDust: "amount_below_dust"
        case .feeRateTooLow: "fee_rate_too_low"
        case .feeTooLow: "peg_out_fee_too_low"
        case .dustChange: "peg_out_dust_change"
        case .pegOutTooLarge: "peg_out_too_large"
        case .outOfRange: "value_out_of_range"
        case .insufficientFederationFunds: "insufficient_federation_funds"
        case .invalidSignatureShare: "invalid_signature_share"
        case .voteNotFromProposer: "vote_not_from_proposer"
        case .chainVoteRefused: "chain_vote_refused"
        case .invalidConfig: "invalid_wallet_config"
        }
    }

    public var category: FailureCategory {
        switch self {
        case .invalidAddress, .amountBelowDust, .outOfRange: .badInput
        default: .failed
        }
    }

    public var field: String? {
        switch self {
        case .invalidAddress: "address"
        case .amountBelowDust: "amount"
        case .outOfRange(let field, _, _): field
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .malformed(let what, let reason): "malformed \(what): \(reason)"
        case .transactionNotInProof(let txid):
            "the merkle proof is invalid or does not include transaction \(txid)"
        case .outputIndexOutOfRange(let index, let outputs):
            "the peg-in proof names output \(index) but the transaction has \(outputs) output(s)"
        case .wrongDepositAddress(let expected):
            "the deposit output does not pay this federation's address for the proof's tweak key (expected \(expected))"
        case .unknownBlock(let hash):
            "block \(hash) is not (yet) final for the federation; wait for more confirmations and the federation's block height"
        case .alreadyClaimed(let outPoint): "deposit \(outPoint) was already claimed"
        case .depositTooSmall(let sats, let fee): "deposit of \(sats) sat does not cover the peg-in fee of \(fee) msat"
        case .invalidAddress(let address, let network): "\"\(address)\" is not a segwit address on \(network)"
        case .amountBelowDust(let sats, let dust): "peg-out of \(sats) sat is below the dust limit of \(dust) sat"
        case .feeRateTooLow(let offered, let required):
            "fee rate \(offered) sat/kvB is below the federation's \(required) sat/kvB"
        case .feeTooLow(let offered, let required, let inputs):
            "peg-out fee of \(offered) sat is below the \(required) sat its fee rate needs for a transaction with \(inputs) input(s)"
        case .dustChange(let change, let requiredFee, let dust):
            "the peg-out would leave \(change) sat of change, below the dust limit of \(dust) sat; pay a fee of \(requiredFee) sat (the change goes to the miners) or change the amount"
        case .pegOutTooLarge(let inputs, let weight):
            "the peg-out transaction would spend \(inputs) federation outputs" + (weight.map { " and weigh \($0) WU" } ?? "")
                + "; at most \(PegOutPlan.maximumInputs) inputs and \(PegOutPlan.maximumWeight) WU are signed and relayed: peg out less"
        case .outOfRange(let field, let value, let maximum): "\(field) \(value) is above the maximum \(maximum)"
        case .insufficientFederationFunds(let needed, let available):
            "the federation holds \(available) sat in spendable outputs, \(needed) sat are needed"
        case .invalidSignatureShare(let peer, let reason): "invalid peg-out signature share from \(peer): \(reason)"
        case .voteNotFromProposer(let voter, let proposer): "a vote of \(voter) was proposed by \(proposer)"
        case .chainVoteRefused(let peer, let reason): "chain-fact vote of \(peer) refused: \(reason)"
        case .invalidConfig(let reason): "invalid wallet config: \(reason)"
        }
    }
}
