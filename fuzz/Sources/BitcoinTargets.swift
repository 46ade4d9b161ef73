import FMBitcoin
import Foundation

/// Bitcoin data from outside: PSBTs, transactions and blocks (peg-in proofs, the node's answers) and addresses.
let bitcoinTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "psbt",
        run: { bytes in
            guard let psbt = try? PSBT(serialized: bytes) else { return }
            let encoded = psbt.serialized
            let again = try? PSBT(serialized: encoded)
            require(again == psbt, "PSBT: decode(encode(x)) != x")
            require(again?.serialized == encoded, "PSBT: encoding not stable")
        },
        seeds: {
            // The BIP-174 test vectors that fm's unit tests also use, plus one fm builds itself.
            let url = URL(fileURLWithPath: "Tests/FMBitcoinTests/Vectors/bip174_vectors.json")
            let vectors = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]
            let valid = (vectors?["valid"] as? [[String: Any]] ?? []).compactMap { $0["base64"] as? String }
            let spend = Transaction(
                inputs: [TxIn(previousOutput: OutPoint(txid: Samples.bitcoinTransaction.txid, index: 0))],
                outputs: [TxOut(value: 49_000, scriptPubKey: Samples.address.scriptPubKey)])
            var own = try! PSBT(unsignedTransaction: spend)
            own.inputs[0].witnessUTXO = TxOut(value: 50_000, scriptPubKey: Samples.address.scriptPubKey)
            return valid.prefix(6).compactMap { Data(base64Encoded: $0).map(Array.init) } + [own.serialized]
        }),
    FuzzTarget(
        name: "bitcoin-transaction",
        run: { bytes in
            guard let transaction = try? Transaction(serialized: bytes) else { return }
            require(transaction.serialized() == bytes, "transaction: accepted bytes differ from the encoding")
            _ = (transaction.txid, transaction.wtxid, transaction.virtualSize)
        },
        seeds: {
            let segwit = Transaction(
                inputs: [TxIn(previousOutput: OutPoint(txid: Samples.bitcoinTransaction.txid, index: 0), witness: [[1, 2], [3]])],
                outputs: [TxOut(value: 49_000, scriptPubKey: Samples.address.scriptPubKey)], lockTime: 100)
            return [Samples.bitcoinTransaction.serialized(), segwit.serialized(), segwit.serialized(includingWitness: false)]
        }),
    FuzzTarget(
        name: "bitcoin-block",
        run: { bytes in
            dispatch(bytes, [
                { bytes in
                    guard let block = try? Block(serialized: bytes) else { return }
                    require(block.serialized == bytes, "block: accepted bytes differ from the encoding")
                    _ = (block.computedMerkleRoot, block.hash, block.header.hasValidProofOfWork)
                    if !block.transactions.isEmpty { _ = block.witnessMerkleRoot }
                },
                { bytes in
                    guard let merkle = try? MerkleBlock(serialized: bytes) else { return }
                    require(merkle.serialized == bytes, "merkle block: accepted bytes differ from the encoding")
                    _ = try? merkle.verifiedTxids()
                },
                { bytes in
                    guard let header = try? BlockHeader(serialized: bytes) else { return }
                    require(header.serialized == bytes, "block header: accepted bytes differ from the encoding")
                    if let target = header.target { require(Target(compact: target.compact) == target, "target: compact round trip") }
                },
            ])
        },
        seeds: {
            let genesis = Network.regtest.genesisBlock
            return [
                selected(0, genesis.serialized), selected(0, Network.mainnet.genesisBlock.serialized),
                selected(1, MerkleBlock(block: genesis, matching: [genesis.transactions[0].txid]).serialized),
                selected(2, genesis.header.serialized),
            ]
        }),
    FuzzTarget(
        name: "bitcoin-address",
        run: { bytes in
            guard let text = String(validating: bytes, as: UTF8.self), let address = try? SegwitAddress(text) else { return }
            require(address.string == text.lowercased(), "address: printed form differs from the accepted text")
            require((try? SegwitAddress(address.string)) == address, "address: parse(print(x)) != x")
            if let network = Network.allCases.first(where: { $0.bech32HRP == address.hrp }) {
                require((try? SegwitAddress(scriptPubKey: address.scriptPubKey, network: network)) == address, "address: script round trip")
            }
        },
        seeds: {
            [
                Samples.address.string, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "BC1SW50QGDZ25J", "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
            ].map { Array($0.utf8) }
        }),
]
