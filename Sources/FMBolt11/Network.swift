import FMBitcoin

extension Invoice {
    /// The chain an invoice pays on, from the currency prefix after `ln` (BOLT 11 "Human-Readable Part").
    public enum Network: String, Sendable, Hashable, Codable, CaseIterable {
        case bitcoin
        case testnet
        case signet
        case regtest

        /// The prefix written after `ln`.
        public var currencyPrefix: String {
            switch self {
            case .bitcoin: "bc"
            case .testnet: "tb"
            case .signet: "tbs"
            case .regtest: "bcrt"
            }
        }

        /// Reads a currency prefix. `sb` is accepted for signet too: some wallets wrote `lnsb` before the spec
        /// settled on `lntbs`.
        public init?(currencyPrefix: String) {
            switch currencyPrefix {
            case "bc": self = .bitcoin
            case "tb": self = .testnet
            case "tbs", "sb": self = .signet
            case "bcrt": self = .regtest
            default: return nil
            }
        }

        /// The same chain as FMBitcoin names it (for fallback addresses).
        public var bitcoinNetwork: FMBitcoin.Network {
            switch self {
            case .bitcoin: .mainnet
            case .testnet: .testnet
            case .signet: .signet
            case .regtest: .regtest
            }
        }

        public init(_ network: FMBitcoin.Network) {
            switch network {
            case .mainnet: self = .bitcoin
            case .testnet: self = .testnet
            case .signet: self = .signet
            case .regtest: self = .regtest
            }
        }
    }
}
