import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1
import FMServerCore
import FMWalletCommon
@testable import FMWalletServer
import Foundation
import Testing

/// Values from outside (requests, transactions, consensus items) that would overflow the wallet's arithmetic are
/// refused where they are decoded, and what still reaches the arithmetic is checked: a rejection, never a trap
/// (issue 24 items 1, 2 and 8).
@Suite struct WalletBoundsTests {
    static let destination = try! SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))

    /// `count` spendable outputs of `value` sat (distinct fake outpoints, untweaked).
    static func utxos(_ count: Int, value: UInt64) -> [FederationUTXO] {
        (0..<count).map { index in
            var txid = [UInt8](repeating: 0, count: 32)
            txid[0] = UInt8(index & 0xff)
            txid[1] = UInt8(index >> 8)
            return FederationUTXO(
                outPoint: FMBitcoin.OutPoint(txid: try! FMBitcoin.Hash256(bytes: txid), index: 0), value: value, tweakKey: nil)
        }
    }

    /// Bytes of a peg-out output with any field values (the memberwise init does not check bounds; decoding does).
    static func pegOutOutput(amount: UInt64, feeRate: UInt64, fee: UInt64) -> [UInt8] {
        WalletOutput.pegOut(PegOut(address: destination, amount: amount, feeRate: feeRate, fee: fee)).canonicalBytes
    }

    @Test func feeRateAboveTheMaximumIsRefusedWhenDecodedAndNeverTraps() throws {
        let federation = try WalletFederation(peers: 1, chain: FakeChain(height: 0))
        let guardian = federation.guardians[0]
        let outPoint = FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([9])), outIndex: 0)
        for rate in [UInt64.max, 1 << 63, PegOut.maximumFeeRate + 1] {
            #expect(throws: CanonicalDecodingError.self) {
                try WalletOutput(canonicalBytes: Self.pegOutOutput(amount: 10_000, feeRate: rate, fee: 500))
            }
            // Through a submitted transaction or a leader's block: a rejection (before: "arithmetic overflow" in
            // PegOutPlan.fee, a crash of every guardian applying the block).
            let rejection = #expect(throws: TransactionRejection.self) {
                try guardian.database.writeNow {
                    try guardian.module.processOutput(Self.pegOutOutput(amount: 10_000, feeRate: rate, fee: 500), outPoint: outPoint, db: $0)
                }
            }
            #expect(rejection?.code == "malformed_wallet_item")
        }
        for (amount, fee) in [(UInt64.max, UInt64(500)), (10_000, UInt64.max), (PegOut.maximumAmount + 1, 500)] {
            #expect(throws: CanonicalDecodingError.self) {
                try WalletOutput(canonicalBytes: Self.pegOutOutput(amount: amount, feeRate: 1_000, fee: fee))
            }
        }
        // The largest valid values still compute (no overflow at the bounds).
        let largest = try PegOutPlan.fee(rate: PegOut.maximumFeeRate, virtualSize: PegOutPlan.maximumWeight / 4)
        #expect(largest == PegOut.maximumFeeRate * UInt64(PegOutPlan.maximumWeight / 4) / 1000)
        #expect(throws: WalletError.self) { try PegOutPlan.fee(rate: .max, virtualSize: 200) }
    }

    @Test func feeRateVoteAboveTheMaximumIsRefusedNotClamped() throws {
        let federation = try WalletFederation(peers: 1, chain: FakeChain(height: 0))
        let guardian = federation.guardians[0]
        for rate in [UInt64.max, PegOut.maximumFeeRate + 1] {
            let item = WalletConsensusItem.feeRate(rate, voter: guardian.peer, atHeight: 0).canonicalBytes
            #expect(throws: CanonicalDecodingError.self) { try WalletConsensusItem(canonicalBytes: item) }
            #expect(throws: TransactionRejection.self) {
                try guardian.database.writeNow { try guardian.module.processConsensusItem(item, from: guardian.peer, db: $0) }
            }
        }
        let maximum = WalletConsensusItem.feeRate(PegOut.maximumFeeRate, voter: guardian.peer, atHeight: 0).canonicalBytes
        try federation.apply(item: maximum, from: guardian.peer)
        #expect(try guardian.database.readNow { try guardian.module.consensusFeeRate($0) } == PegOut.maximumFeeRate)
    }

    @Test func quoteParamsAreBoundedWhenDecoded() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let tooHigh = Data(#"{"address":"bcrt1q","amount_sats":10000,"fee_rate":1000000000000000000}"#.utf8)
        let error = #expect(throws: DecodingError.self) { try decoder.decode(PegOutFeeRequest.self, from: tooHigh) }
        #expect(error?.jsonPath == ["fee_rate"])
        let amount = Data(#"{"address":"bcrt1q","amount_sats":18446744073709551615}"#.utf8)
        #expect(throws: DecodingError.self) { try decoder.decode(PegOutFeeRequest.self, from: amount) }
        let fine = Data(#"{"address":"bcrt1q","amount_sats":10000,"fee_rate":10000000}"#.utf8)
        #expect(try decoder.decode(PegOutFeeRequest.self, from: fine).feeRate == PegOut.maximumFeeRate)
    }

    /// Change below the dust limit is never dropped silently: the plan refuses it and the quote charges it, so the
    /// federation's bitcoin falls by exactly what the peg-out burns (before: 300 sat more, and the audit halted).
    @Test func dustChangeIsChargedToThePegOutNeverToTheFederation() throws {
        let federation = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        let config = federation.config
        let utxos = Self.utxos(1, value: 100_000)
        let fee = try PegOutPlan.suggestedFee(address: Self.destination, amount: 1_000, rate: 1_000, config: config)
        let amount = 100_000 - fee - 300
        let refused = #expect(throws: WalletError.self) {
            try PegOutPlan(pegOut: PegOut(address: Self.destination, amount: amount, feeRate: 1_000, fee: fee), utxos: utxos, config: config)
        }
        #expect(refused == .dustChange(change: 300, requiredFee: fee + 300, dust: PegOutPlan.dustLimit))
        let quote = try PegOutPlan.quote(address: Self.destination, amount: amount, rate: 1_000, utxos: utxos, config: config)
        #expect(quote.dustSats == 300)
        #expect(quote.fee == fee + 300)
        let plan = try PegOutPlan(
            pegOut: PegOut(address: Self.destination, amount: amount, feeRate: 1_000, fee: quote.fee), utxos: utxos, config: config)
        #expect(plan.change == nil)
        #expect(plan.transaction.outputs.map(\.value) == [amount])
        #expect(100_000 - plan.transaction.outputs.map(\.value).reduce(0, +) == quote.fee)
        // Change at the dust limit is kept; an ordinary quote has no dust.
        let kept = try PegOutPlan.quote(address: Self.destination, amount: 100_000 - fee - 330, rate: 1_000, utxos: utxos, config: config)
        #expect(kept == PegOutFeeQuote(
            feeRate: 1_000, fee: fee, dustSats: 0, bumpReserveSats: try PegOutFeeBump.reserve(fee: fee, feeRate: 1_000, config: config)))
    }

    /// The destination's dust threshold is Bitcoin Core's for its script, not the change's 330 sat: a peg-out of
    /// 340 sat to a 40-byte witness program (dust below 354) would be signed but never relayed, and every later
    /// peg-out spending its change would be stuck behind it.
    @Test func destinationBelowItsOwnDustThresholdIsRefused() throws {
        let federation = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        let config = federation.config
        let utxos = Self.utxos(1, value: 100_000)
        let wide = try SegwitAddress(network: .regtest, version: 1, program: [UInt8](repeating: 7, count: 40))
        #expect(PegOutPlan.dustThreshold(of: wide.scriptPubKey.bytes) == 354)
        #expect(PegOutPlan.dustThreshold(of: config.descriptor.scriptPubKey.bytes) == PegOutPlan.dustLimit)
        let wpkh = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 7, count: 20))
        #expect(PegOutPlan.dustThreshold(of: wpkh.scriptPubKey.bytes) == 294)
        let fee = try PegOutPlan.suggestedFee(address: wide, amount: 340, rate: 1_000, config: config)
        let refused = #expect(throws: WalletError.self) {
            try PegOutPlan(pegOut: PegOut(address: wide, amount: 340, feeRate: 1_000, fee: fee), utxos: utxos, config: config)
        }
        #expect(refused == .amountBelowDust(sats: 340, dust: 354))
        let quote = try PegOutPlan.quote(address: wide, amount: 354, rate: 1_000, utxos: utxos, config: config)
        _ = try PegOutPlan(pegOut: PegOut(address: wide, amount: 354, feeRate: 1_000, fee: quote.fee), utxos: utxos, config: config)
    }

    /// Many small outputs: a peg-out that would need more inputs than one signature share carries, or weigh more
    /// than Core relays, is refused when the output is processed (before the notes are burned), not built.
    @Test func pegOutInputsAndWeightAreCapped() throws {
        // 1-of-1: inputs are light, the input cap binds first.
        let single = try WalletFederation(peers: 1, chain: FakeChain(height: 0))
        let many = Self.utxos(PegOutPlan.maximumInputs + 10, value: 1_000)
        let needsAll = UInt64(PegOutPlan.maximumInputs + 5) * 1_000 - 200_000
        let tooMany = #expect(throws: WalletError.self) {
            try PegOutPlan(pegOut: PegOut(address: Self.destination, amount: needsAll, feeRate: 1_000, fee: 200_000), utxos: many, config: single.config)
        }
        #expect(tooMany == .pegOutTooLarge(inputs: PegOutPlan.maximumInputs + 5, weight: nil))
        // At the cap it is built, and its signed weight is within the limit.
        let atCap = UInt64(PegOutPlan.maximumInputs) * 1_000 - 200_000
        let plan = try PegOutPlan(
            pegOut: PegOut(address: Self.destination, amount: atCap, feeRate: 1_000, fee: 200_000), utxos: many, config: single.config)
        #expect(plan.inputs.count == PegOutPlan.maximumInputs)
        #expect(PegOutPlan.estimatedWeight(of: plan.transaction, config: single.config) <= PegOutPlan.maximumWeight)

        // 3-of-4: each input carries three signatures and a 4-key script, the weight cap binds first.
        let four = try WalletFederation(peers: 4, chain: FakeChain(height: 0))
        let needs900 = 900 * 1_000 - 200_000 as UInt64
        let heavy = #expect(throws: WalletError.self) {
            try PegOutPlan(pegOut: PegOut(address: Self.destination, amount: needs900, feeRate: 1_000, fee: 200_000), utxos: many, config: four.config)
        }
        guard case .pegOutTooLarge(let inputs, let weight)? = heavy else { Issue.record("not refused as too large: \(String(describing: heavy))"); return }
        #expect(inputs == 900)
        #expect((weight ?? 0) > PegOutPlan.maximumWeight)

        // Through the module: a rejection while the transaction is checked, so the e-cash inputs are not spent.
        let guardian = single.guardians[0]
        try guardian.database.writeNow { db throws -> Void in for utxo in many { #expect(try WalletStore.insert(utxo, db: db)) } }
        let rejection = #expect(throws: TransactionRejection.self) {
            try single.processOutput(
                .pegOut(PegOut(address: Self.destination, amount: needsAll, feeRate: 1_000, fee: 200_000)),
                at: FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([5])), outIndex: 0))
        }
        #expect(rejection?.code == "peg_out_too_large")
    }

    /// A share signing the most inputs a peg-out may have still fits one module item.
    @Test func fullSignatureShareFitsOneModuleItem() throws {
        let key = SecretKey(using: &SeededRandomBox.rng)
        let signature = try key.signECDSA(messageHash: [UInt8](repeating: 1, count: 32))
        let share = PegOutSignatureShare(
            txid: try FMBitcoin.Hash256(bytes: [UInt8](repeating: 2, count: 32)),
            signatures: Array(repeating: signature, count: PegOutPlan.maximumInputs))
        let item = WalletConsensusItem.pegOutSignatures(share).canonicalBytes
        #expect(item.count <= ModuleItem.maxPayloadLength)
        #expect(try WalletConsensusItem(canonicalBytes: item) == .pegOutSignatures(share))
    }
}
