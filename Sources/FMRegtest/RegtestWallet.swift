import FMBitcoin
import FMCore
import FMSecp256k1
import Foundation

/// The node's built-in wallet: P2WPKH keys derived from a 32-byte seed (key i is
/// `TaggedHash("fm-regtest/wallet-key", seed || i as 4 bytes big-endian)`; not BIP-32), so the
/// same seed file always yields the same addresses. It pays with confirmed, mature coins only.
struct RegtestWallet: Sendable {
    /// Fee rate of `sendtoaddress`: 2 sat/vB, above the 1 sat/vB minimum relay fee.
    static let feeRate: UInt64 = 2000

    private let seed: [UInt8]
    private(set) var keyIndexByScript: [Script: Int] = [:]
    private(set) var keyCount = 0

    init(seed: [UInt8], scripts: [Script]) {
        self.seed = seed
        for script in scripts {
            keyIndexByScript[script] = keyCount
            keyCount += 1
        }
    }

    /// Reads `path`, or creates it (mode 0600) with 32 random bytes.
    static func loadOrCreateSeed(at path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw RegtestWalletError.badSeedFile(path) }
            return [UInt8](data)
        }
        var rng = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try AtomicFile.write(seed, to: path, mode: AtomicFile.secretMode)
        return seed
    }

    func secretKey(index: Int) throws -> SecretKey {
        let counter = withUnsafeBytes(of: UInt32(index).bigEndian, Array.init)
        return try SecretKey(rawRepresentation: TaggedHash.sha256(tag: "fm-regtest/wallet-key", seed + counter))
    }

    func script(index: Int) throws -> Script { .payToWitnessPublicKeyHash(try secretKey(index: index).publicKey) }

    /// Derives the next key; the caller persists the returned script.
    mutating func nextKey() throws -> (index: Int, script: Script) {
        let index = keyCount
        let script = try script(index: index)
        keyIndexByScript[script] = index
        keyCount += 1
        return (index, script)
    }

    func owns(_ script: Script) -> Bool { keyIndexByScript[script] != nil }

    /// Spendable coins, as Bitcoin Core's wallet counts its "trusted" balance: ours and not spent
    /// by a mempool transaction; confirmed ones (coinbase outputs only at 101 confirmations, as
    /// Core's wallet counts maturity, so 101 blocks to one address give 50 BTC), plus unconfirmed
    /// outputs of mempool transactions that spend only our own coins (change).
    func spendableCoins(chain: ChainState, mempool: Mempool) -> [(FMBitcoin.OutPoint, Coin)] {
        var coins = chain.utxos.filter { outpoint, coin in
            let depth = chain.height - coin.height + 1
            return owns(coin.output.scriptPubKey) && mempool.spentBy[outpoint] == nil
                && (!coin.isCoinbase || depth >= RegtestParameters.coinbaseMaturity + 1)
        }.map { ($0.key, $0.value) }
        for entry in mempool.ordered where isFromMe(entry.transaction, chain: chain, mempool: mempool) {
            for (index, output) in entry.transaction.outputs.enumerated() where owns(output.scriptPubKey) {
                let outpoint = FMBitcoin.OutPoint(txid: entry.txid, index: UInt32(index))
                if mempool.spentBy[outpoint] == nil {
                    coins.append((outpoint, Coin(output: output, height: chain.height + 1, isCoinbase: false)))
                }
            }
        }
        return coins.sorted { lhs, rhs in
            lhs.1.output.value != rhs.1.output.value
                ? lhs.1.output.value > rhs.1.output.value
                : (lhs.0.txid, lhs.0.index) < (rhs.0.txid, rhs.0.index)
        }
    }

    /// Whether every input of a mempool transaction spends one of our outputs.
    private func isFromMe(_ transaction: FMBitcoin.Transaction, chain: ChainState, mempool: Mempool) -> Bool {
        transaction.inputs.allSatisfy { input in
            let coin = chain.utxos[input.previousOutput] ?? mempool.coin(input.previousOutput, nextHeight: chain.height + 1)
            return coin.map { owns($0.output.scriptPubKey) } ?? false
        }
    }

    func balance(chain: ChainState, mempool: Mempool) -> UInt64 {
        spendableCoins(chain: chain, mempool: mempool).reduce(0) { $0 + $1.1.output.value }
    }

    /// A signed transaction paying `amount` to `destination`: largest coins first, change to
    /// `changeScript` unless it would be dust (then it goes to the fee), fee at ``feeRate``.
    func pay(
        _ amount: UInt64, to destination: Script, changeScript: Script, chain: ChainState, mempool: Mempool
    ) throws(RegtestWalletError) -> (transaction: FMBitcoin.Transaction, usesChange: Bool) {
        let coins = spendableCoins(chain: chain, mempool: mempool)
        var selected: [(FMBitcoin.OutPoint, Coin)] = []
        var total: UInt64 = 0
        for coin in coins {
            selected.append(coin)
            total += coin.1.output.value
            let feeWithChange = Self.fee(inputs: selected.count, outputs: [destination, changeScript])
            if total >= amount + feeWithChange { break }
        }
        let feeWithoutChange = Self.fee(inputs: selected.count, outputs: [destination])
        guard total >= amount + feeWithoutChange else { throw .insufficientFunds }

        var outputs = [TxOut(value: amount, scriptPubKey: destination)]
        let feeWithChange = Self.fee(inputs: selected.count, outputs: [destination, changeScript])
        var usesChange = false
        if total >= amount + feeWithChange, total - amount - feeWithChange >= RegtestParameters.dustThreshold(changeScript) {
            outputs.append(TxOut(value: total - amount - feeWithChange, scriptPubKey: changeScript))
            usesChange = true
        }
        var transaction = Transaction(
            version: 2, inputs: selected.map { TxIn(previousOutput: $0.0, sequence: 0xffff_fffd) }, outputs: outputs,
            lockTime: UInt32(chain.height))
        do {
            for (index, (_, coin)) in selected.enumerated() {
                guard let keyIndex = keyIndexByScript[coin.output.scriptPubKey] else { throw RegtestWalletError.signingFailed }
                let key = try secretKey(index: keyIndex)
                let publicKey = key.publicKey.compressed
                let sighash = transaction.segwitV0SignatureHash(
                    inputIndex: index, scriptCode: .payToPublicKeyHash(hash160(publicKey)), amount: coin.output.value,
                    sighashType: .all)
                let signature = try key.signECDSA(messageHash: sighash).derRepresentation + [UInt8(SighashType.all.rawValue)]
                transaction.inputs[index].witness = [signature, publicKey]
            }
        } catch {
            throw .signingFailed
        }
        return (transaction, usesChange)
    }

    /// The fee for a transaction spending `inputs` P2WPKH coins to `outputs`, sized with
    /// 72-byte signatures (the largest low-S DER signature), so the real fee rate is never below ``feeRate``.
    static func fee(inputs: Int, outputs: [Script]) -> UInt64 {
        let dummy = Transaction(
            version: 2,
            inputs: (0..<inputs).map { _ in
                TxIn(previousOutput: .null, witness: [[UInt8](repeating: 0, count: 72), [UInt8](repeating: 0, count: 33)])
            },
            outputs: outputs.map { TxOut(value: 0, scriptPubKey: $0) })
        return TransactionValidator.fee(rate: feeRate, virtualSize: dummy.virtualSize)
    }
}

enum RegtestWalletError: Error, Equatable, CustomStringConvertible {
    case badSeedFile(String)
    case insufficientFunds
    case signingFailed

    var description: String {
        switch self {
        case .badSeedFile(let path): return "wallet seed file \(path) is not 32 bytes"
        case .insufficientFunds: return "Insufficient funds"
        case .signingFailed: return "Signing transaction failed"
        }
    }
}
