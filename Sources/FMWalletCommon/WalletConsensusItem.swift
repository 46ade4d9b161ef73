import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1

/// What guardians propose to each other through consensus for the wallet (BRIEF §8).
/// Canonical form: a versioned enum.
public enum WalletConsensusItem: Hashable, Sendable, CanonicalCodable {
    /// The proposer's bitcoin node's tip height minus the finality delay: the highest block it counts as final.
    case blockHeight(UInt32)
    /// The proposer's fee rate estimate, sat/kvB.
    case feeRate(UInt64)
    /// The proposer's signatures over every input of a pending peg-out.
    case pegOutSignatures(PegOutSignatureShare)

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .blockHeight(let height): encoder.writeVariant(0) { $0.write(height) }
        case .feeRate(let rate): encoder.writeVariant(1) { $0.write(rate) }
        case .pegOutSignatures(let share): encoder.writeVariant(2) { $0.write(share) }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .blockHeight(try body.read())
        case 1: self = .feeRate(try body.read())
        case 2: self = .pegOutSignatures(try body.read())
        default: throw .unknownVariant(index, type: "WalletConsensusItem")
        }
        try body.finish()
    }
}

/// One guardian's ECDSA signatures (BIP-143, SIGHASH_ALL) over every input of the peg-out transaction `txid`,
/// in input order, each with its tweaked peg-in key. Canonical form: the 32-byte txid, then a vector of
/// 64-byte compact signatures.
public struct PegOutSignatureShare: Hashable, Sendable, CanonicalCodable {
    public let txid: FMBitcoin.Hash256
    public let signatures: [ECDSASignature]

    public init(txid: FMBitcoin.Hash256, signatures: [ECDSASignature]) {
        self.txid = txid
        self.signatures = signatures
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeFixed(txid.bytes)
        encoder.writeVarint(UInt64(signatures.count))
        for signature in signatures { encoder.writeFixed(signature.compactRepresentation) }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        txid = try FMBitcoin.Hash256(unchecked32: decoder.readFixed(32))
        let count = try decoder.readVarint()
        guard count <= 1_000 else { throw .lengthExceedsLimit(claimed: count, limit: 1_000) }
        var signatures: [ECDSASignature] = []
        for _ in 0..<count {
            let raw = try decoder.readFixed(64)
            do { signatures.append(try ECDSASignature(compactRepresentation: raw)) } catch {
                throw .invalidValue("ECDSA signature: \(error)")
            }
        }
        self.signatures = signatures
    }
}
