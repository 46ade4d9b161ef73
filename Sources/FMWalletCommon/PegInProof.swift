import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1

/// A client's proof that it paid the federation (BRIEF §8): the deposit transaction, a merkle proof of its
/// inclusion in a block (Bitcoin Core's `gettxoutproof` format), which output pays the federation, and the tweak
/// key that output's address was made with.
///
/// Canonical form: byte string of the transaction (segwit serialization), byte string of the merkle block,
/// varint output index, the 33-byte compressed tweak key.
///
/// ``verify(config:)`` checks everything that does not depend on the federation's state; the guardian then checks
/// that ``blockHash`` is a block it counts as final and that ``outPoint`` was not claimed before.
public struct PegInProof: Hashable, Sendable, CanonicalCodable {
    public let transaction: FMBitcoin.Transaction
    public let merkleBlock: MerkleBlock
    public let outputIndex: UInt32
    /// The client's per-deposit key: it tweaked the address, and it must sign the claiming transaction.
    public let tweakKey: PublicKey

    public init(transaction: FMBitcoin.Transaction, merkleBlock: MerkleBlock, outputIndex: UInt32, tweakKey: PublicKey) {
        self.transaction = transaction
        self.merkleBlock = merkleBlock
        self.outputIndex = outputIndex
        self.tweakKey = tweakKey
    }

    /// The deposit's outpoint on the bitcoin chain.
    public var outPoint: FMBitcoin.OutPoint { FMBitcoin.OutPoint(txid: transaction.txid, index: outputIndex) }

    /// The block the proof says the deposit is in.
    public var blockHash: FMBitcoin.Hash256 { merkleBlock.header.hash }

    /// The deposited output (valid after ``verify(config:)``).
    public var output: TxOut { transaction.outputs[Int(outputIndex)] }

    /// Checks that the merkle proof is well formed, commits to the header's merkle root and includes the
    /// transaction, and that the named output pays the federation's address tweaked with ``tweakKey``.
    /// Returns the deposited output.
    public func verify(config: WalletConsensusConfig) throws(WalletError) -> TxOut {
        let txid = transaction.txid
        guard let proven = try? merkleBlock.verifiedTxids(), proven.contains(txid) else {
            throw .transactionNotInProof(txid: txid.displayHex)
        }
        guard Int(outputIndex) < transaction.outputs.count else {
            throw .outputIndexOutOfRange(index: outputIndex, outputs: transaction.outputs.count)
        }
        let expected: MultisigDescriptor
        do { expected = try config.depositDescriptor(tweakKey: tweakKey) } catch {
            throw .malformed(what: "peg-in proof", reason: "the tweak key gives an invalid tweak")
        }
        let output = transaction.outputs[Int(outputIndex)]
        guard output.scriptPubKey == expected.scriptPubKey else {
            throw .wrongDepositAddress(expected: expected.address(network: config.network).string)
        }
        return output
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeBytes(transaction.serialized())
        encoder.writeBytes(merkleBlock.serialized)
        encoder.write(outputIndex)
        encoder.writeFixed(tweakKey.compressed)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let transactionBytes = try decoder.readBytes()
        let merkleBytes = try decoder.readBytes()
        outputIndex = try decoder.read()
        let keyBytes = try decoder.readFixed(33)
        do { transaction = try FMBitcoin.Transaction(serialized: transactionBytes) } catch {
            throw .invalidValue("peg-in transaction: \(error)")
        }
        do { merkleBlock = try MerkleBlock(serialized: merkleBytes) } catch {
            throw .invalidValue("peg-in merkle proof: \(error)")
        }
        do { tweakKey = try PublicKey(serialized: keyBytes) } catch {
            throw .invalidValue("peg-in tweak key: \(error)")
        }
    }
}
