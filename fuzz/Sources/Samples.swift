import FMBLS12381
import FMBitcoin
import FMConsensus
import FMCore
import FMCrypto
import FMEncoding
import FMMintCommon
import FMSecp256k1
import FMWalletCommon

/// Real, deterministic values of every type the targets decode, for the seed corpora.
enum Samples {
    static func key(_ n: UInt8) -> Keypair { SecretKey(rawValue: n).keypair }
    static func hash(_ label: String) -> FMCore.Hash256 { .sha256(Array(label.utf8)) }
    static func g1(_ label: String) -> G1Point { Message(nonce: Array(label.utf8)).point }

    static let note = Note(
        denomination: Denomination(exponent: 10), nonce: key(1).xOnlyPublicKey, signature: Signature(g1("note")))
    static let bitcoinTransaction = Network.regtest.genesisBlock.transactions[0]
    static let address = try! SegwitAddress(network: .regtest, version: 0, program: Array(repeating: 0x75, count: 20))
    static let pegInProof = PegInProof(
        transaction: bitcoinTransaction,
        merkleBlock: MerkleBlock(block: Network.regtest.genesisBlock, matching: [bitcoinTransaction.txid]),
        outputIndex: 0, tweakKey: key(2).publicKey)
    static let pegOut = PegOut(address: address, amount: 50_000, feeRate: 2_000, fee: 282)

    static let mintInputs: [MintInput] = [
        .note(note), .devIssue(.init(amount: Amount(msats: 1 << 20), spendKey: key(3).xOnlyPublicKey)),
    ]
    static let mintOutputs = [MintOutput(denomination: Denomination(exponent: 4), blindedMessage: BlindedMessage(g1("blind")))]
    static let walletInputs: [WalletInput] = [.pegIn(pegInProof)]
    static let walletOutputs: [WalletOutput] = [.pegOut(pegOut)]
    static let walletItems: [WalletConsensusItem] = [
        .blockHeight(812, voter: PeerID(1)), .feeRate(1_000, voter: PeerID(2), atHeight: 812),
        .pegOutSignatures(PegOutSignatureShare(
            txid: bitcoinTransaction.txid,
            signatures: [try! key(4).secretKey.signECDSA(messageHash: Array(hash("sighash").bytes))])),
        .blockHashes(
            first: 810, hashes: ["block 810", "block 811"].map { try! FMBitcoin.Hash256(bytes: hash($0).bytes) }, voter: PeerID(3)),
        .confirmations([TransactionConfirmation(txid: bitcoinTransaction.txid, height: 811)], voter: PeerID(0)),
        .scannedThrough(811, voter: PeerID(2)),
    ]

    static let moduleItems: [ModuleItem] = {
        var mint: [[UInt8]] = mintInputs.map { $0.canonicalBytes }
        mint += mintOutputs.map { $0.canonicalBytes }
        var wallet: [[UInt8]] = walletInputs.map { $0.canonicalBytes }
        wallet += walletOutputs.map { $0.canonicalBytes }
        wallet += walletItems.map { $0.canonicalBytes }
        return mint.map { ModuleItem(module: MintKind.defaultInstance, payload: $0) }
            + wallet.map { ModuleItem(module: WalletKind.defaultInstance, payload: $0) }
    }()

    static let transactions: [FMCore.Transaction] = {
        let nonce = TransactionNonce(bytes: [1, 2, 3, 4, 5, 6, 7, 8])!
        let reissue = FMCore.Transaction(
            inputs: [moduleItems[0]], outputs: [moduleItems[2]], nonce: nonce,
            signatures: [key(1).signSchnorr(message: hash("txid").bytes)])
        let pegOut = FMCore.Transaction(
            inputs: [moduleItems[1]], outputs: [moduleItems[4]], nonce: nonce,
            signatures: [key(3).signSchnorr(message: hash("txid").bytes)])
        return [reissue, pegOut, FMCore.Transaction(inputs: [], outputs: [], nonce: nonce)]
    }()

    static let block: FMConsensus.Block = {
        let items = transactions.map { FederationItem.transaction($0).canonicalBytes }
        let header = FMConsensus.BlockHeader(
            height: 7, iteration: 9, proposer: PeerID(1), parentHash: hash("parent"),
            itemsHash: FMConsensus.Block.itemsHash(of: items))
        return FMConsensus.Block(header: header, items: items)
    }()
    static func signature(_ peer: UInt16) -> PeerSignature {
        PeerSignature(peer: PeerID(peer), signature: key(UInt8(peer + 10)).signSchnorr(message: block.hash.bytes).rawRepresentation)
    }
    static let notarization = QuorumCertificate(
        statement: VoteStatement(kind: .notarize(block.hash), iteration: 9), signatures: [signature(0), signature(1), signature(2)])
    static let notarized = NotarizedBlock(block: block, notarization: notarization)
    static let finalized = FinalizedBlock(
        notarized: notarized,
        finalization: QuorumCertificate(
            statement: VoteStatement(kind: .finalize(block.hash), iteration: 9), signatures: [signature(0), signature(3), signature(2)]))
    static let skip = QuorumCertificate(statement: VoteStatement(kind: .skip, iteration: 8), signatures: [signature(1), signature(2)])
    static let consensusMessages: [ConsensusMessage] = [
        .proposal(Proposal(block: block, signature: signature(1).signature)),
        .vote(Vote(statement: notarization.statement, signature: signature(2))),
        .notarization(notarized), .skipCertificate(skip), .status(ConsensusStatus(iteration: 12, finalizedCount: 7)),
        .blockRequest(fromHeight: 3), .blockResponse([finalized]), .wake(iteration: 9), .unknown(variant: 99, body: [1, 2, 3]),
    ]
}

extension SecretKey {
    /// The secret key 0x00…0n (valid for 1 ≤ n < the group order).
    init(rawValue n: UInt8) { try! self.init(rawRepresentation: Array(repeating: 0, count: 31) + [n]) }
}
