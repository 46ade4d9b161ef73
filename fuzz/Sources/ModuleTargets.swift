import FMCore
import FMEncoding
import FMMintCommon
import FMWalletCommon

/// The modules' inputs, outputs, outcomes and consensus items, as carried in a transaction's or an item's payload.
let moduleTargets: [FuzzTarget] = [
    FuzzTarget(name: "module-items", run: { dispatch($0, moduleDecoders) }, seeds: moduleSeeds)
]

private let moduleDecoders: [@Sendable ([UInt8]) -> Void] = [
    { checkCanonical(ModuleItem.self, $0) },
    { bytes in
        checkCanonical(MintInput.self, bytes)
        if let input = try? MintInput(canonicalBytes: bytes) { _ = (input.amount, input.spendKey) }
    },
    { bytes in
        checkCanonical(MintOutput.self, bytes)
        if let output = try? MintOutput(canonicalBytes: bytes) { _ = output.amount }
    },
    { checkCanonical(MintOutputOutcome.self, $0) },
    { checkCanonical(Note.self, $0) },
    { checkCanonical(WalletInput.self, $0) },
    { bytes in
        checkCanonical(WalletOutput.self, bytes)
        // A decoded peg-out's value (amount + fee in msat) is what the processor charges; it must not trap.
        if case .pegOut(let pegOut)? = try? WalletOutput(canonicalBytes: bytes) { _ = try? pegOut.value }
    },
    { checkCanonical(WalletOutputOutcome.self, $0) },
    { checkCanonical(WalletConsensusItem.self, $0) },
    { bytes in
        checkCanonical(PegInProof.self, bytes)
        // What a guardian reads from a peg-in proof before checking it: its out point, block and merkle proof.
        guard let proof = try? PegInProof(canonicalBytes: bytes) else { return }
        _ = (proof.outPoint, proof.blockHash)
        _ = try? proof.merkleBlock.verifiedTxids()
    },
    { checkCanonical(PegOutSignatureShare.self, $0) },
]

@Sendable private func moduleSeeds() -> [[UInt8]] {
    var seeds: [[UInt8]] = Samples.moduleItems.map { selected(0, $0.canonicalBytes) }
    seeds += Samples.mintInputs.map { selected(1, $0.canonicalBytes) }
    seeds += Samples.mintOutputs.map { selected(2, $0.canonicalBytes) }
    seeds.append(selected(4, Samples.note.canonicalBytes))
    seeds += Samples.walletInputs.map { selected(5, $0.canonicalBytes) }
    seeds += Samples.walletOutputs.map { selected(6, $0.canonicalBytes) }
    seeds.append(selected(7, WalletOutputOutcome.pegOut(txid: Samples.bitcoinTransaction.txid).canonicalBytes))
    seeds += Samples.walletItems.map { selected(8, $0.canonicalBytes) }
    seeds.append(selected(9, Samples.pegInProof.canonicalBytes))
    return seeds
}
