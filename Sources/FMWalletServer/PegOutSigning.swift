import FMBitcoin
import FMCore
import FMSecp256k1
import FMWalletCommon

/// ECDSA signing of peg-out transactions by the guardians (BIP-143 sighash, SIGHASH_ALL) and assembly of the
/// `wsh(sortedmulti)` witnesses once t guardians have signed.
enum PegOutSigning {
    /// The BIP-143 digest of input `index`, which spends `utxo`.
    static func sighash(
        _ transaction: FMBitcoin.Transaction, input index: Int, utxo: FederationUTXO, config: WalletConsensusConfig
    ) throws -> [UInt8] {
        transaction.segwitV0SignatureHash(
            inputIndex: index, scriptCode: try utxo.descriptor(config: config).witnessScript, amount: utxo.value,
            sighashType: .all)
    }

    /// This guardian's signature over every input, each with its peg-in key tweaked as the spent output was.
    static func sign(
        _ transaction: FMBitcoin.Transaction, utxos: [FederationUTXO], key: SecretKey, config: WalletConsensusConfig
    ) throws -> PegOutSignatureShare {
        let signatures = try utxos.enumerated().map { index, utxo in
            let tweaked = try utxo.tweakKey.map { try PegInTweak.tweak(key, with: $0) } ?? key
            return try tweaked.signECDSA(messageHash: sighash(transaction, input: index, utxo: utxo, config: config))
        }
        return PegOutSignatureShare(txid: transaction.txid, signatures: signatures)
    }

    /// Checks `share` against `peer`'s tweaked keys; throws ``WalletError/invalidSignatureShare(peer:reason:)``.
    static func verify(
        _ share: PegOutSignatureShare, from peer: PeerID, transaction: FMBitcoin.Transaction, utxos: [FederationUTXO],
        config: WalletConsensusConfig
    ) throws {
        guard Int(peer.rawValue) < config.pegInKeys.count else {
            throw WalletError.invalidSignatureShare(peer: peer, reason: "not a guardian of this federation")
        }
        guard share.signatures.count == utxos.count else {
            throw WalletError.invalidSignatureShare(
                peer: peer, reason: "\(share.signatures.count) signatures for \(utxos.count) inputs")
        }
        let key = config.pegInKeys[Int(peer.rawValue)]
        for (index, utxo) in utxos.enumerated() {
            let tweaked = try utxo.tweakKey.map { try PegInTweak.tweak(key, with: $0) } ?? key
            let digest = try sighash(transaction, input: index, utxo: utxo, config: config)
            guard tweaked.isValidECDSASignature(share.signatures[index], for: digest) else {
                throw WalletError.invalidSignatureShare(peer: peer, reason: "signature of input \(index) does not verify")
            }
        }
    }

    /// The signed transaction from exactly `config.threshold` guardians' verified shares: each input's witness is
    /// `[<empty>, sig…, witnessScript]` with the signatures in the order of their keys in the sorted script.
    static func finalize(
        _ transaction: FMBitcoin.Transaction, utxos: [FederationUTXO], shares: [(peer: PeerID, share: PegOutSignatureShare)],
        config: WalletConsensusConfig
    ) throws -> FMBitcoin.Transaction {
        precondition(shares.count == config.threshold, "finalize with exactly t shares")
        var signed = transaction
        for (index, utxo) in utxos.enumerated() {
            let signers = try shares.map { peer, share in
                let key = config.pegInKeys[Int(peer.rawValue)]
                return (key: try utxo.tweakKey.map { try PegInTweak.tweak(key, with: $0) } ?? key, signature: share.signatures[index])
            }.sorted { $0.key < $1.key }
            signed.inputs[index].witness =
                [[]] + signers.map { $0.signature.derRepresentation + [UInt8(SighashType.all.rawValue)] }
                + [try utxo.descriptor(config: config).witnessScript.bytes]
        }
        return signed
    }
}
