import FMBitcoin
import FMCore
import FMEncoding

/// A peg-out request: pay `amount` sat to `address`, paying `fee` sat of bitcoin network fee at `feeRate`.
///
/// The user pays amount + fee (in e-cash, as msat) plus the federation's peg-out fee. The federation builds the
/// bitcoin transaction itself (``PegOutPlan``); it accepts the request only if `fee` pays at least `feeRate` for that
/// transaction and `feeRate` is at least the federation's consensus fee rate.
public struct PegOut: Hashable, Sendable, CanonicalCodable {
    public let address: SegwitAddress
    public let amount: UInt64
    /// sat/kvB.
    public let feeRate: UInt64
    /// The bitcoin network fee in sat; the transaction pays exactly this.
    public let fee: UInt64

    public init(address: SegwitAddress, amount: UInt64, feeRate: UInt64, fee: UInt64) {
        self.address = address
        self.amount = amount
        self.feeRate = feeRate
        self.fee = fee
    }

    /// The highest fee rate a peg-out, a quote or a fee-rate vote may name: 10,000,000 sat/kvB (10,000 sat/vB, far
    /// above any fee market so far). Bounding it where it is decoded keeps every fee computed from it (at most
    /// ``PegOutPlan/maximumWeight`` / 4 vbytes) below 10^12 sat, far from overflow.
    public static let maximumFeeRate: UInt64 = 10_000_000
    /// The highest amount or fee a peg-out may name: Bitcoin Core's `MAX_MONEY`, 21 million BTC in sat.
    public static let maximumAmount: UInt64 = BitcoinAmount.maxMoney

    /// Refuses values above ``maximumAmount`` and ``maximumFeeRate``, naming the field.
    public static func checkBounds(amount: UInt64, feeRate: UInt64, fee: UInt64) throws(WalletError) {
        for (field, value, maximum) in [("amount", amount, maximumAmount), ("fee_rate", feeRate, maximumFeeRate), ("fee", fee, maximumAmount)]
        where value > maximum {
            throw .outOfRange(field: field, value: "\(value)", maximum: "\(maximum)")
        }
    }

    /// What the peg-out takes out of the e-cash transaction (amount + network fee), in msat.
    public var value: Amount {
        get throws(AmountError) { try Amount(msats: 1000).multiplied(by: amount) .adding(Amount(msats: 1000).multiplied(by: fee)) }
    }

    /// Canonical form: address string, amount, fee rate, fee.
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(address.string)
        encoder.write(amount)
        encoder.write(feeRate)
        encoder.write(fee)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let text: String = try decoder.read()
        do { address = try SegwitAddress(text) } catch { throw .invalidValue("peg-out address \"\(text)\": \(error)") }
        amount = try decoder.read()
        feeRate = try decoder.read()
        fee = try decoder.read()
        do { try Self.checkBounds(amount: amount, feeRate: feeRate, fee: fee) } catch { throw .invalidValue(error.description) }
    }
}

/// A wallet transaction output. Canonical form: a versioned enum.
public enum WalletOutput: Hashable, Sendable, CanonicalCodable {
    case pegOut(PegOut)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .pegOut(let pegOut): encoder.writeVariant(0) { $0.write(pegOut) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .pegOut(try body.read())
        default: throw .unknownVariant(index, type: "WalletOutput")
        }
        try body.finish()
    }
}

/// The outcome of a wallet output, as every guardian reports it from consensus state: the bitcoin txid of the
/// peg-out transaction (fixed when the output is processed: segwit txids do not cover the signatures).
public enum WalletOutputOutcome: Hashable, Sendable, CanonicalCodable {
    case pegOut(txid: FMBitcoin.Hash256)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .pegOut(let txid): encoder.writeVariant(0) { $0.writeFixed(txid.bytes) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .pegOut(txid: try FMBitcoin.Hash256(unchecked32: body.readFixed(32)))
        default: throw .unknownVariant(index, type: "WalletOutputOutcome")
        }
        try body.finish()
    }
}

extension FMBitcoin.Hash256 {
    init(unchecked32 bytes: [UInt8]) throws(CanonicalDecodingError) {
        do { self = try FMBitcoin.Hash256(bytes: bytes) } catch { throw .invalidValue("hash: \(error)") }
    }
}
