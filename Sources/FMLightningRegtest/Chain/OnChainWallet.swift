import FMBitcoin
import FMCore
import FMSecp256k1
import Foundation

/// The node's on-chain wallet keys: P2WPKH keys derived from `DIR/wallet.seed` (0600, 32 random bytes),
/// key i = `TaggedHash("fm-ln-regtest/wallet-key", seed || i)`; channel funding keys use the tag
/// `fm-ln-regtest/funding-key`. Coins are found by scanning blocks (ChainWatcher), as a node with a bitcoind backend does.
struct OnChainWallet: Sendable {
    /// 2 sat/vB, above fm-regtest's and bitcoind's 1 sat/vB minimum relay fee.
    static let feeRatePerKvB: UInt64 = 2000
    /// Outputs below this are not worth creating as change (P2WPKH dust at 3 sat/vB, as Core).
    static let dustLimit: UInt64 = 294

    private let seed: [UInt8]

    init(seed: [UInt8]) { self.seed = seed }

    static func loadOrCreateSeed(at path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw NodeError.badKeyFile(path) }
            return [UInt8](data)
        }
        var rng = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try AtomicFile.write(seed, to: path, mode: AtomicFile.secretMode)
        return seed
    }

    func walletKey(index: Int) throws -> SecretKey { try key(tag: "fm-ln-regtest/wallet-key", index: index) }
    func fundingKey(index: Int) throws -> SecretKey { try key(tag: "fm-ln-regtest/funding-key", index: index) }

    private func key(tag: String, index: Int) throws -> SecretKey {
        let counter = withUnsafeBytes(of: UInt32(truncatingIfNeeded: index).bigEndian, Array.init)
        return try SecretKey(rawRepresentation: TaggedHash.sha256(tag: tag, seed + counter))
    }

    func script(index: Int) throws -> Script { .payToWitnessPublicKeyHash(try walletKey(index: index).publicKey) }

    struct Coin: Sendable {
        var outpoint: BitcoinOutPoint
        var value: UInt64
        var keyIndex: Int
    }

    /// A signed transaction paying `amount` to `destination` from `coins` (largest first), change to `change`
    /// unless it would be dust. Throws ``NodeError/cannotAfford`` when the coins do not cover amount and fee.
    func pay(
        _ amount: UInt64, to destination: Script, from coins: [Coin], change: Script, lockTime: UInt32
    ) throws -> (transaction: BitcoinTransaction, spent: [Coin]) {
        let sorted = coins.sorted { $0.value > $1.value }
        var selected: [Coin] = []
        var total: UInt64 = 0
        for coin in sorted {
            selected.append(coin)
            total = try checkedAdd(total, coin.value)
            if total >= (try checkedAdd(amount, Self.fee(inputs: selected.count, outputs: [destination, change]))) { break }
        }
        let feeWithoutChange = Self.fee(inputs: selected.count, outputs: [destination])
        guard total >= (try checkedAdd(amount, feeWithoutChange)) else {
            throw NodeError.cannotAfford(needed: amount &+ feeWithoutChange, available: total)
        }
        var outputs = [TxOut(value: amount, scriptPubKey: destination)]
        let feeWithChange = Self.fee(inputs: selected.count, outputs: [destination, change])
        if total >= amount + feeWithChange, total - amount - feeWithChange >= Self.dustLimit {
            outputs.append(TxOut(value: total - amount - feeWithChange, scriptPubKey: change))
        }
        var transaction = BitcoinTransaction(
            version: 2, inputs: selected.map { TxIn(previousOutput: $0.outpoint, sequence: 0xffff_fffd) }, outputs: outputs,
            lockTime: lockTime)
        for (index, coin) in selected.enumerated() {
            let key = try walletKey(index: coin.keyIndex)
            let publicKey = key.publicKey.compressed
            let sighash = transaction.segwitV0SignatureHash(
                inputIndex: index, scriptCode: .payToPublicKeyHash(hash160(publicKey)), amount: coin.value, sighashType: .all)
            transaction.inputs[index].witness = [
                try key.signECDSA(messageHash: sighash).derRepresentation + [UInt8(SighashType.all.rawValue)], publicKey,
            ]
        }
        return (transaction, selected)
    }

    /// The fee for `inputs` P2WPKH inputs (72-byte signatures, the largest) and `outputs`, at ``feeRatePerKvB``.
    static func fee(inputs: Int, outputs: [Script]) -> UInt64 {
        let dummy = BitcoinTransaction(
            version: 2,
            inputs: (0..<inputs).map { _ in
                TxIn(previousOutput: .null, witness: [[UInt8](repeating: 0, count: 72), [UInt8](repeating: 0, count: 33)])
            },
            outputs: outputs.map { TxOut(value: 0, scriptPubKey: $0) })
        return (UInt64(dummy.virtualSize) * feeRatePerKvB + 999) / 1000
    }
}

/// `a + b`, or ``NodeError/overflow`` (amounts come from outside).
func checkedAdd(_ a: UInt64, _ b: UInt64) throws -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    guard !overflow else { throw NodeError.overflow }
    return sum
}

func checkedMultiply(_ a: UInt64, _ b: UInt64) throws -> UInt64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw NodeError.overflow }
    return product
}
