import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1

/// What guardians propose to each other through consensus for the wallet (BRIEF §8).
/// Canonical form: a versioned enum.
///
/// Votes name their voter: consensus orders opaque items and drops an item equal to one it recently ordered, so
/// two guardians voting the same height must produce different bytes. The guardian accepts a vote only from the
/// block's proposer named in it.
public enum WalletConsensusItem: Hashable, Sendable, CanonicalCodable {
    /// The voter's bitcoin node's tip height minus the finality delay: the highest block it counts as final.
    case blockHeight(UInt32, voter: PeerID)
    /// The voter's fee rate estimate, sat/kvB (at most ``PegOut/maximumFeeRate``: decoding refuses more), made when the federation's consensus height was `atHeight` (so a
    /// guardian can vote a rate again later).
    case feeRate(UInt64, voter: PeerID, atHeight: UInt64)
    /// The proposer's signatures over every input of a pending peg-out.
    case pegOutSignatures(PegOutSignatureShare)
    /// The voter's node's hashes of the final blocks `first`, `first` + 1, … (1 to ``maximumChainVotes``): chain
    /// facts that enter consensus state once t guardians voted the same hash (docs/wallet.md, "Chain facts").
    case blockHashes(first: UInt64, hashes: [FMBitcoin.Hash256], voter: PeerID)
    /// The final heights whose blocks (by their agreed hashes) hold these unconfirmed federation transactions, as
    /// the voter's node shows them (1 to ``maximumChainVotes``, distinct txids).
    case confirmations([TransactionConfirmation], voter: PeerID)
    /// The voter read every agreed final block from the oldest unconfirmed federation transaction's build height up
    /// to this height for federation transactions, and each one it found there is agreed confirmed: a bump counts
    /// only heights t guardians scanned so (docs/wallet.md, "Fee bump", trigger).
    case scannedThrough(UInt64, voter: PeerID)

    /// The most chain facts one item votes: a full item is about 5 KiB, far below a module item's limit.
    public static let maximumChainVotes = 128

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .blockHeight(let height, let voter):
            encoder.writeVariant(0) {
                $0.write(height)
                $0.write(voter.rawValue)
            }
        case .feeRate(let rate, let voter, let atHeight):
            encoder.writeVariant(1) {
                $0.write(rate)
                $0.write(voter.rawValue)
                $0.write(atHeight)
            }
        case .pegOutSignatures(let share): encoder.writeVariant(2) { $0.write(share) }
        case .blockHashes(let first, let hashes, let voter):
            encoder.writeVariant(3) {
                $0.write(first)
                $0.writeVarint(UInt64(hashes.count))
                for hash in hashes { $0.writeFixed(hash.bytes) }
                $0.write(voter.rawValue)
            }
        case .confirmations(let confirmations, let voter):
            encoder.writeVariant(4) {
                $0.writeVarint(UInt64(confirmations.count))
                for confirmation in confirmations {
                    $0.writeFixed(confirmation.txid.bytes)
                    $0.write(confirmation.height)
                }
                $0.write(voter.rawValue)
            }
        case .scannedThrough(let height, let voter):
            encoder.writeVariant(5) {
                $0.write(height)
                $0.write(voter.rawValue)
            }
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: self = .blockHeight(try body.read(), voter: PeerID(try body.read(UInt16.self)))
        case 1:
            let rate: UInt64 = try body.read()
            guard rate <= PegOut.maximumFeeRate else {
                throw .invalidValue("fee rate vote \(rate) sat/kvB is above the maximum \(PegOut.maximumFeeRate)")
            }
            self = .feeRate(rate, voter: PeerID(try body.read(UInt16.self)), atHeight: try body.read())
        case 2: self = .pegOutSignatures(try body.read())
        case 3:
            let first: UInt64 = try body.read()
            let count = try Self.chainVoteCount(&body)
            var hashes: [FMBitcoin.Hash256] = []
            for _ in 0..<count { hashes.append(try FMBitcoin.Hash256(unchecked32: body.readFixed(32))) }
            guard first <= UInt64(Int64.max) - UInt64(count) else { throw .invalidValue("block height \(first) out of range") }
            self = .blockHashes(first: first, hashes: hashes, voter: PeerID(try body.read(UInt16.self)))
        case 4:
            let count = try Self.chainVoteCount(&body)
            var confirmations: [TransactionConfirmation] = []
            for _ in 0..<count {
                let txid = try FMBitcoin.Hash256(unchecked32: body.readFixed(32))
                let height: UInt64 = try body.read()
                guard height <= UInt64(Int64.max) else { throw .invalidValue("block height \(height) out of range") }
                confirmations.append(TransactionConfirmation(txid: txid, height: height))
            }
            guard Set(confirmations.map(\.txid)).count == confirmations.count else {
                throw .invalidValue("a confirmation vote names a transaction twice")
            }
            self = .confirmations(confirmations, voter: PeerID(try body.read(UInt16.self)))
        case 5:
            let height: UInt64 = try body.read()
            guard height <= UInt64(Int64.max) else { throw .invalidValue("block height \(height) out of range") }
            self = .scannedThrough(height, voter: PeerID(try body.read(UInt16.self)))
        default: throw .unknownVariant(index, type: "WalletConsensusItem")
        }
        try body.finish()
    }

    /// The vote count of a chain-fact item: 1 to ``maximumChainVotes``.
    private static func chainVoteCount(_ body: inout CanonicalDecoder) throws(CanonicalDecodingError) -> Int {
        let count = try body.readVarint()
        guard count >= 1, count <= UInt64(maximumChainVotes) else {
            throw .lengthExceedsLimit(claimed: count, limit: maximumChainVotes)
        }
        return Int(count)
    }
}

/// A vote that the final block at `height` holds the federation transaction `txid`. Canonical form (inside
/// ``WalletConsensusItem/confirmations(_:voter:)``): the 32-byte txid, then the height.
public struct TransactionConfirmation: Hashable, Sendable {
    public let txid: FMBitcoin.Hash256
    public let height: UInt64

    public init(txid: FMBitcoin.Hash256, height: UInt64) {
        self.txid = txid
        self.height = height
    }
}

/// One guardian's ECDSA signatures (BIP-143, SIGHASH_ALL) over every input of the peg-out transaction `txid`,
/// in input order, each with its tweaked peg-in key. Canonical form: the 32-byte txid, then a vector of
/// 64-byte compact signatures.
public struct PegOutSignatureShare: Hashable, Sendable, CanonicalCodable {
    public let txid: FMBitcoin.Hash256
    public let signatures: [ECDSASignature]

    /// The most signatures (inputs) one share carries; a share this full still fits a module item
    /// (`ModuleItem.maxPayloadLength`, checked by a test).
    public static let maximumSignatures = 1_000

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
        guard count <= UInt64(Self.maximumSignatures) else {
            throw .lengthExceedsLimit(claimed: count, limit: Self.maximumSignatures)
        }
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
