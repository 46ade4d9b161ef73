import FMBitcoin
import FMBitcoinRPC

/// The Bitcoin Core RPC methods fm-regtest serves, with Core's parameter order and result shapes.
/// `stop` is handled by ``RegtestServer``.
public struct RegtestRPCMethods: Sendable {
    public let node: RegtestNode

    public init(node: RegtestNode) { self.node = node }

    /// Every method name this handler answers (plus `stop`).
    public static let names: [String] = [
        "estimatesmartfee", "generatetoaddress", "getbalance", "getbestblockhash", "getblock", "getblockchaininfo",
        "getblockcount", "getblockhash", "getblockheader", "getmempoolinfo", "getnewaddress", "getrawmempool",
        "getrawtransaction", "gettxout", "gettxoutproof", "sendrawtransaction", "sendtoaddress", "setmempoolminfee", "stop",
        "submitpackage",
    ]

    /// Runs one call.
    /// - Throws: ``BitcoinRPCError/rpc(code:message:)`` as bitcoind would answer (-32601 for an unknown method).
    public func call(_ method: String, _ values: [BitcoinJSON]) async throws(BitcoinRPCError) -> BitcoinJSON {
        let params = RPCParameters(method: method, values: values)
        switch method {
        case "getblockchaininfo":
            try params.expect(atMost: 0, usage: "takes no parameters")
            let info = await node.getBlockchainInfo()
            let (tip, _) = try await node.entry(hash: info.bestBlockHash)
            return .object([
                "chain": .string(info.chain), "blocks": .integer(info.blocks), "headers": .integer(info.headers),
                "bestblockhash": .string(info.bestBlockHash.displayHex), "difficulty": Self.difficulty,
                "time": .integer(tip.block.header.time), "mediantime": .integer(info.medianTime),
                "verificationprogress": .integer(1), "initialblockdownload": .bool(false),
                "chainwork": .string(info.chainWork), "size_on_disk": .integer(0), "pruned": .bool(false),
                "warnings": .array([]),
            ])
        case "getblockcount":
            try params.expect(atMost: 0, usage: "takes no parameters")
            return .integer(await node.getBlockCount())
        case "getbestblockhash":
            try params.expect(atMost: 0, usage: "takes no parameters")
            return .string(await node.getBestBlockHash().displayHex)
        case "getblockhash":
            try params.expect(atMost: 1, usage: "height")
            return .string(try await node.getBlockHash(height: try params.int(0, "height")).displayHex)
        case "getblock":
            try params.expect(atMost: 2, usage: "\"blockhash\" ( verbosity )")
            let (entry, tipHeight) = try await node.entry(hash: try params.hash(0, "blockhash"))
            let verbosity: Int
            if let flag = params.optional(1)?.boolValue { verbosity = flag ? 1 : 0 } else {
                verbosity = try params.optionalInt(1, "verbosity") ?? 1
            }
            if verbosity == 0 { return .string(Hex.encode(entry.block.serialized)) }
            var object = Self.headerObject(entry, tipHeight: tipHeight, nextHash: try? await node.getBlockHash(height: entry.height + 1))
            let block = entry.block
            object["nTx"] = .integer(block.transactions.count)
            object["size"] = .integer(block.serialized.count)
            object["strippedsize"] = .integer(Self.strippedSize(block))
            object["weight"] = .integer(Self.strippedSize(block) * 3 + block.serialized.count)
            object["tx"] = .array(block.transactions.map { transaction in
                verbosity >= 2 ? Self.transactionObject(transaction) : .string(transaction.txid.displayHex)
            })
            return .object(object)
        case "getblockheader":
            try params.expect(atMost: 2, usage: "\"blockhash\" ( verbose )")
            let (entry, tipHeight) = try await node.entry(hash: try params.hash(0, "blockhash"))
            if try params.optionalBool(1, "verbose") == false { return .string(Hex.encode(entry.block.header.serialized)) }
            var object = Self.headerObject(entry, tipHeight: tipHeight, nextHash: try? await node.getBlockHash(height: entry.height + 1))
            object["nTx"] = .integer(entry.block.transactions.count)
            return .object(object)
        case "getrawtransaction":
            try params.expect(atMost: 3, usage: "\"txid\" ( verbosity \"blockhash\" )")
            let txid = try params.hash(0, "txid")
            let verbose = try params.optionalBool(1, "verbosity") ?? false
            let (transaction, block, tipHeight) = try await node.locateTransaction(
                txid: txid, blockHash: try params.optionalHash(2, "blockhash"))
            if !verbose { return .string(Hex.encode(transaction.serialized())) }
            guard case .object(var object) = Self.transactionObject(transaction) else { return .null }
            object["hex"] = .string(Hex.encode(transaction.serialized()))
            if let block {
                object["blockhash"] = .string(block.hash.displayHex)
                object["confirmations"] = .integer(tipHeight - block.height + 1)
                object["time"] = .integer(block.block.header.time)
                object["blocktime"] = .integer(block.block.header.time)
            }
            return .object(object)
        case "gettxoutproof":
            try params.expect(atMost: 2, usage: "[\"txid\",...] ( \"blockhash\" )")
            let list = try params.required(0, "txids")
            guard let items = list.arrayValue else { throw RPCParameters.typeError("txids", list, expected: "array") }
            var txids: [FMBitcoin.Hash256] = []
            for item in items {
                guard let text = item.stringValue else { throw RPCParameters.typeError("txid", item, expected: "string") }
                txids.append(try RPCParameters.hash(text, "txid"))
            }
            let proof = try await node.getTxOutProof(txids: txids, blockHash: try params.optionalHash(1, "blockhash"))
            return .string(Hex.encode(proof.serialized))
        case "sendrawtransaction":
            try params.expect(atMost: 3, usage: "\"hexstring\" ( maxfeerate maxburnamount )")
            let hex = try params.string(0, "hexstring")
            guard let bytes = Hex.decode(hex), let transaction = try? FMBitcoin.Transaction(serialized: bytes) else {
                throw .rpc(code: .deserializationError, message: "TX decode failed. Make sure the tx has at least one input.")
            }
            let maximumFeeRate = params.optional(1) == nil ? RegtestParameters.defaultMaximumFeeRate : try params.amount(1, "maxfeerate")
            return .string(try await node.submit(transaction, maximumFeeRate: maximumFeeRate).displayHex)
        case "submitpackage":
            try params.expect(atMost: 3, usage: "[\"rawtx\",...] ( maxfeerate maxburnamount )")
            let list = try params.required(0, "package")
            guard let items = list.arrayValue else { throw RPCParameters.typeError("package", list, expected: "array") }
            var transactions: [FMBitcoin.Transaction] = []
            for item in items {
                guard let hex = item.stringValue, let bytes = Hex.decode(hex), let transaction = try? FMBitcoin.Transaction(serialized: bytes)
                else { throw .rpc(code: .deserializationError, message: "TX decode failed: \(item)") }
                transactions.append(transaction)
            }
            let fees = try await node.submitPackage(transactions)
            var results: [String: BitcoinJSON] = [:]
            for (transaction, fee) in zip(transactions, fees) {
                var result: [String: BitcoinJSON] = ["txid": .string(transaction.txid.displayHex), "vsize": .integer(transaction.virtualSize)]
                if let fee { result["fees"] = .object(["base": .btc(satoshis: fee)]) }
                results[transaction.wtxid.displayHex] = .object(result)
            }
            return .object(["package_msg": .string("success"), "tx-results": .object(results), "replaced-transactions": .array([])])
        case "setmempoolminfee":
            try params.expect(atMost: 1, usage: "feerate (BTC/kvB; fm-regtest only)")
            let evicted = try await node.setMempoolMinimumFeeRate(try params.amount(0, "feerate"))
            return .object([
                "mempoolminfee": .btc(satoshis: await node.mempoolMinimumFeeRate),
                "evicted": .array(evicted.map { .string($0.displayHex) }),
            ])
        case "estimatesmartfee":
            try params.expect(atMost: 2, usage: "conf_target ( \"estimate_mode\" )")
            let target = try params.int(0, "conf_target")
            let modes = ["unset", "economical", "conservative"]
            if let mode = try params.optionalString(1, "estimate_mode"), !modes.contains(mode.lowercased()) {
                throw .rpc(
                    code: .invalidParameter,
                    message: "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"")
            }
            let estimate = try await node.estimateSmartFee(confirmationTarget: target)
            var object: [String: BitcoinJSON] = ["blocks": .integer(estimate.blocks)]
            if let rate = estimate.satsPerKvB { object["feerate"] = .btc(satoshis: rate) }
            if !estimate.errors.isEmpty { object["errors"] = .array(estimate.errors.map(BitcoinJSON.string)) }
            return .object(object)
        case "generatetoaddress":
            try params.expect(atMost: 3, usage: "nblocks \"address\" ( maxtries )")
            let hashes = try await node.generateToAddress(blocks: try params.int(0, "nblocks"), address: try params.string(1, "address"))
            return .array(hashes.map { .string($0.displayHex) })
        case "getnewaddress":
            try params.expect(atMost: 2, usage: "( \"label\" \"address_type\" )")
            if let type = try params.optionalString(1, "address_type"), type != "bech32" {
                throw .rpc(code: .invalidAddressOrKey, message: "Unknown address type '\(type)' (fm-regtest only has bech32)")
            }
            return .string(try await node.getNewAddress())
        case "sendtoaddress":
            try params.expect(atMost: 9, usage: "\"address\" amount ( \"comment\" \"comment_to\" subtractfeefromamount ... )")
            if try params.optionalBool(4, "subtractfeefromamount") == true {
                throw .rpc(code: .invalidParameter, message: "subtractfeefromamount is not supported by fm-regtest")
            }
            let txid = try await node.sendToAddress(address: try params.string(0, "address"), amountSats: try params.amount(1, "amount"))
            return .string(txid.displayHex)
        case "getbalance":
            try params.expect(atMost: 4, usage: "( \"dummy\" minconf include_watchonly avoid_reuse )")
            return .btc(satoshis: await node.getBalance())
        case "getrawmempool":
            try params.expect(atMost: 2, usage: "( verbose mempool_sequence )")
            let entries = await node.mempoolEntries()
            guard try params.optionalBool(0, "verbose") == true else { return .array(entries.map { .string($0.txid.displayHex) }) }
            return .object(Dictionary(uniqueKeysWithValues: entries.map { entry in
                (entry.txid.displayHex, BitcoinJSON.object([
                    "vsize": .integer(entry.virtualSize), "weight": .integer(entry.weight),
                    "fees": .object(["base": .btc(satoshis: entry.fee)]), "wtxid": .string(entry.transaction.wtxid.displayHex),
                ]))
            }))
        case "getmempoolinfo":
            try params.expect(atMost: 0, usage: "takes no parameters")
            let entries = await node.mempoolEntries()
            let bytes = entries.reduce(0) { $0 + $1.virtualSize }
            return .object([
                "loaded": .bool(true), "size": .integer(entries.count), "bytes": .integer(bytes), "usage": .integer(bytes),
                "total_fee": .btc(satoshis: entries.reduce(0) { $0 + $1.fee }), "maxmempool": .integer(300_000_000),
                "mempoolminfee": .btc(satoshis: await node.mempoolMinimumFeeRate),
                "minrelaytxfee": .btc(satoshis: RegtestParameters.minimumRelayFeeRate), "unbroadcastcount": .integer(0),
            ])
        case "gettxout":
            try params.expect(atMost: 3, usage: "\"txid\" n ( include_mempool )")
            let outpoint = FMBitcoin.OutPoint(txid: try params.hash(0, "txid"), index: UInt32(clamping: try params.int(1, "n")))
            let includeMempool = try params.optionalBool(2, "include_mempool") ?? true
            guard let (coin, confirmations) = await node.getTxOut(outpoint, includeMempool: includeMempool) else { return .null }
            return .object([
                "bestblock": .string(await node.getBestBlockHash().displayHex), "confirmations": .integer(confirmations),
                "value": .btc(satoshis: coin.output.value), "scriptPubKey": Self.scriptObject(coin.output.scriptPubKey),
                "coinbase": .bool(coin.isCoinbase),
            ])
        default:
            throw .rpc(code: .methodNotFound, message: "Method not found")
        }
    }

    // MARK: Result shapes

    /// Regtest difficulty as Core prints it for nBits 0x207fffff.
    static let difficulty = BitcoinJSON.number("4.656542373906925e-10")

    static func headerObject(_ entry: ChainEntry, tipHeight: Int, nextHash: FMBitcoin.Hash256?) -> [String: BitcoinJSON] {
        let header = entry.block.header
        var object: [String: BitcoinJSON] = [
            "hash": .string(entry.hash.displayHex), "confirmations": .integer(tipHeight - entry.height + 1),
            "height": .integer(entry.height), "version": .integer(header.version),
            "versionHex": .string(String(format32: UInt32(bitPattern: header.version))),
            "merkleroot": .string(header.merkleRoot.displayHex), "time": .integer(header.time),
            "mediantime": .integer(entry.medianTimePast), "nonce": .integer(header.nonce),
            "bits": .string(String(format32: header.bits)), "difficulty": difficulty,
            "chainwork": .string(entry.chainWork.description),
        ]
        if entry.height > 0 { object["previousblockhash"] = .string(header.previousBlockHash.displayHex) }
        if let nextHash { object["nextblockhash"] = .string(nextHash.displayHex) }
        return object
    }

    static func strippedSize(_ block: Block) -> Int {
        80 + CompactSize.encode(UInt64(block.transactions.count)).count
            + block.transactions.reduce(0) { $0 + $1.serialized(includingWitness: false).count }
    }

    static func transactionObject(_ transaction: FMBitcoin.Transaction) -> BitcoinJSON {
        .object([
            "txid": .string(transaction.txid.displayHex), "hash": .string(transaction.wtxid.displayHex),
            "version": .integer(transaction.version), "size": .integer(transaction.totalSize),
            "vsize": .integer(transaction.virtualSize), "weight": .integer(transaction.weight),
            "locktime": .integer(transaction.lockTime),
            "vin": .array(transaction.inputs.map { input in
                var object: [String: BitcoinJSON] = ["sequence": .integer(input.sequence)]
                if transaction.isCoinbase {
                    object["coinbase"] = .string(input.scriptSig.hex)
                } else {
                    object["txid"] = .string(input.previousOutput.txid.displayHex)
                    object["vout"] = .integer(input.previousOutput.index)
                    object["scriptSig"] = .object(["hex": .string(input.scriptSig.hex)])
                }
                if !input.witness.isEmpty { object["txinwitness"] = .array(input.witness.map { .string(Hex.encode($0)) }) }
                return .object(object)
            }),
            "vout": .array(transaction.outputs.enumerated().map { index, output in
                .object(["value": .btc(satoshis: output.value), "n": .integer(index), "scriptPubKey": scriptObject(output.scriptPubKey)])
            }),
        ])
    }

    static func scriptObject(_ script: Script) -> BitcoinJSON {
        var object: [String: BitcoinJSON] = ["hex": .string(script.hex)]
        let type: String
        if let (version, program) = script.witnessProgram {
            switch (version, program.count) {
            case (0, 20): type = "witness_v0_keyhash"
            case (0, 32): type = "witness_v0_scripthash"
            case (1, 32): type = "witness_v1_taproot"
            case (1, 2) where program == [0x4e, 0x73]: type = "anchor"
            default: type = "witness_unknown"
            }
            if let address = try? SegwitAddress(scriptPubKey: script, network: .regtest) { object["address"] = .string(address.string) }
        } else if script.bytes.first == Opcode.return.rawValue {
            type = "nulldata"
        } else if script.bytes.count == 25, script.bytes[0] == Opcode.dup.rawValue {
            type = "pubkeyhash"
        } else if script.bytes.count == 23, script.bytes[0] == Opcode.hash160.rawValue {
            type = "scripthash"
        } else {
            type = "nonstandard"
        }
        object["type"] = .string(type)
        return .object(object)
    }
}

extension String {
    /// Eight lower-case hex digits, as Core prints nBits and versionHex.
    fileprivate init(format32 value: UInt32) {
        let hex = String(value, radix: 16)
        self = String(repeating: "0", count: 8 - hex.count) + hex
    }
}
