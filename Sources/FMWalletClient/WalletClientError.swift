import FMCore

/// What can go wrong on the user's side of peg-in and peg-out.
public enum WalletClientError: ReportableError, Equatable {
    /// A peg-in step needs the client's own bitcoin node (`--bitcoind-url`).
    case noBitcoinNode
    /// An address that is not a segwit address of the federation's network.
    case invalidAddress(String, network: String)
    /// The transaction pays none of this client's deposit addresses.
    case notADeposit(txid: String)
    /// A wallet operation needs the mint module, which this federation's client does not have.
    case noMint
    /// The federation has no wallet module.
    case noWalletModule
    /// The federation's answer could not be read.
    case malformedAnswer(String)

    public var category: FailureCategory {
        switch self {
        case .invalidAddress, .notADeposit, .noBitcoinNode: .badInput
        case .noMint, .noWalletModule, .malformedAnswer: .failed
        }
    }

    public var code: String {
        switch self {
        case .noBitcoinNode: "no_bitcoin_node"
        case .invalidAddress: "invalid_address"
        case .notADeposit: "not_a_deposit"
        case .noMint: "no_mint_module"
        case .noWalletModule: "no_wallet_module"
        case .malformedAnswer: "malformed_answer"
        }
    }

    public var field: String? {
        switch self {
        case .noBitcoinNode: "bitcoind_url"
        case .invalidAddress: "address"
        case .notADeposit: "txid"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .noBitcoinNode:
            "this step reads the bitcoin chain: give the client's bitcoin node with --bitcoind-url and --bitcoind-cookie (or FM_BITCOIND_URL, FM_BITCOIND_COOKIE)"
        case .invalidAddress(let address, let network): "\"\(address)\" is not a segwit address on \(network)"
        case .notADeposit(let txid): "transaction \(txid) pays none of this client's deposit addresses (see fm-pegin address)"
        case .noWalletModule: "this federation has no wallet module: it does not peg in or out"
        case .noMint: "the federation has no mint module this client knows, so deposits cannot become notes"
        case .malformedAnswer(let reason): "the federation's answer could not be read: \(reason)"
        }
    }
}
