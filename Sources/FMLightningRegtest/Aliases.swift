import FMBitcoin
import FMCore

// FMCore and FMBitcoin both define these names; this module means these.
typealias Hex = FMCore.Hex
typealias Txid = FMBitcoin.Hash256
typealias BitcoinTransaction = FMBitcoin.Transaction
typealias BitcoinOutPoint = FMBitcoin.OutPoint
