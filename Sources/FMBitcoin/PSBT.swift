import FMSecp256k1
import Foundation

/// A partially signed bitcoin transaction (BIP-174, version 0), covering what a segwit
/// multisig spend needs: the unsigned transaction, per-input UTXOs, scripts, partial
/// signatures, sighash types and final scripts. Other records (BIP-32 derivations, unknown
/// and proprietary keys) are kept byte for byte so a parse/serialize round trip is exact.
public struct PSBT: Sendable, Hashable {
    /// A key-value record this library does not interpret.
    public struct Record: Sendable, Hashable {
        public var key: [UInt8]
        public var value: [UInt8]
        public init(key: [UInt8], value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    public struct PartialSignature: Sendable, Hashable {
        public let publicKey: PublicKey
        /// The key as encoded in the record (compressed unless parsed otherwise).
        public let publicKeyEncoding: [UInt8]
        /// DER signature followed by the sighash type byte, as it goes in the witness.
        public var signature: [UInt8]
        public init(publicKey: PublicKey, signature: [UInt8]) {
            self.publicKey = publicKey
            self.publicKeyEncoding = publicKey.compressed
            self.signature = signature
        }
        init(publicKey: PublicKey, encoding: [UInt8], signature: [UInt8]) {
            self.publicKey = publicKey
            self.publicKeyEncoding = encoding
            self.signature = signature
        }
    }

    public struct Input: Sendable, Hashable {
        public var nonWitnessUTXO: Transaction?
        public var witnessUTXO: TxOut?
        /// In the order they were added or parsed.
        public var partialSignatures: [PartialSignature] = []
        public var sighashType: SighashType?
        public var redeemScript: Script?
        public var witnessScript: Script?
        public var finalScriptSig: Script?
        public var finalScriptWitness: [[UInt8]]?
        /// BIP-32 derivations, unknown and proprietary records, in their original order.
        public var otherRecords: [Record] = []
        public init() {}
    }

    public struct Output: Sendable, Hashable {
        public var redeemScript: Script?
        public var witnessScript: Script?
        public var otherRecords: [Record] = []
        public init() {}
    }

    public var unsignedTransaction: Transaction
    public var version: UInt32?
    /// Global xpubs, unknown and proprietary records.
    public var globalRecords: [Record] = []
    public var inputs: [Input]
    public var outputs: [Output]

    /// An empty PSBT for `transaction`, whose inputs must carry no scriptSig or witness.
    public init(unsignedTransaction transaction: Transaction) throws {
        guard transaction.inputs.allSatisfy({ $0.scriptSig.bytes.isEmpty && $0.witness.isEmpty }) else {
            throw BitcoinError.invalidPSBT("unsigned transaction has scriptSigs or witnesses")
        }
        unsignedTransaction = transaction
        inputs = Array(repeating: Input(), count: transaction.inputs.count)
        outputs = Array(repeating: Output(), count: transaction.outputs.count)
    }

    private static let magic: [UInt8] = [0x70, 0x73, 0x62, 0x74, 0xff]

    // MARK: Parsing

    public init(base64: String) throws {
        guard let data = Data(base64Encoded: base64) else { throw BitcoinError.invalidPSBT("not valid base64") }
        try self.init(serialized: [UInt8](data))
    }

    public init(serialized bytes: some Collection<UInt8>) throws {
        var reader = BitcoinReader(bytes)
        guard (try? reader.readBytes(5, field: "magic")) == PSBT.magic else {
            throw BitcoinError.invalidPSBT("missing magic bytes \"psbt\\xff\"")
        }
        var transaction: Transaction?
        var version: UInt32?
        var globalRecords: [Record] = []
        for record in try PSBT.readMap(&reader, "global") {
            switch record.key[0] {
            case 0x00:
                try PSBT.expectKeyLength(record, 1, "global unsigned transaction")
                let tx: Transaction
                do {
                    var txReader = BitcoinReader(record.value)
                    tx = try Transaction(from: &txReader, allowWitness: false)
                    try txReader.finish("unsigned transaction")
                } catch {
                    throw BitcoinError.invalidPSBT("unsigned transaction: \(error)")
                }
                guard tx.inputs.allSatisfy({ $0.scriptSig.bytes.isEmpty && $0.witness.isEmpty }) else {
                    throw BitcoinError.invalidPSBT("unsigned transaction has scriptSigs or witnesses")
                }
                transaction = tx
            case 0xfb:
                try PSBT.expectKeyLength(record, 1, "global version")
                guard record.value.count == 4 else { throw BitcoinError.invalidPSBT("version must be 4 bytes") }
                let v = record.value.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
                guard v == 0 else { throw BitcoinError.invalidPSBT("unsupported PSBT version \(v)") }
                version = v
            default:
                globalRecords.append(record)
            }
        }
        guard let transaction else { throw BitcoinError.invalidPSBT("no unsigned transaction") }
        var inputs: [Input] = []
        for index in transaction.inputs.indices {
            inputs.append(try PSBT.parseInput(try PSBT.readMap(&reader, "input \(index)"), index: index))
        }
        var outputs: [Output] = []
        for index in transaction.outputs.indices {
            outputs.append(try PSBT.parseOutput(try PSBT.readMap(&reader, "output \(index)"), index: index))
        }
        try reader.finish("PSBT")
        self.unsignedTransaction = transaction
        self.version = version
        self.globalRecords = globalRecords
        self.inputs = inputs
        self.outputs = outputs
        for (index, input) in inputs.enumerated() {
            if let utxo = input.nonWitnessUTXO, utxo.txid != transaction.inputs[index].previousOutput.txid {
                throw BitcoinError.invalidPSBT("input \(index): non-witness UTXO is not the spent transaction")
            }
        }
    }

    private static func readMap(_ reader: inout BitcoinReader, _ name: String) throws -> [Record] {
        var records: [Record] = []
        var seen: Set<[UInt8]> = []
        while true {
            let keyLength: Int
            do { keyLength = try reader.readCount(field: "\(name) key length") } catch {
                throw BitcoinError.invalidPSBT("\(name): \(error)")
            }
            if keyLength == 0 { return records }
            do {
                let key = try reader.readBytes(keyLength, field: "\(name) key")
                let value = try reader.readVarBytes(field: "\(name) value")
                guard seen.insert(key).inserted else { throw BitcoinError.invalidPSBT("\(name): duplicate key \(Hex.encode(key))") }
                records.append(Record(key: key, value: value))
            } catch let error as BitcoinError {
                if case .invalidPSBT = error { throw error }
                throw BitcoinError.invalidPSBT("\(name): \(error)")
            }
        }
    }

    private static func expectKeyLength(_ record: Record, _ length: Int, _ name: String) throws {
        guard record.key.count == length else {
            throw BitcoinError.invalidPSBT("\(name): key must be \(length) bytes, got \(record.key.count)")
        }
    }

    private static func parseInput(_ records: [Record], index: Int) throws -> Input {
        var input = Input()
        let name = "input \(index)"
        for record in records {
            let data = Array(record.key.dropFirst())
            switch record.key[0] {
            case 0x00:
                try expectKeyLength(record, 1, "\(name) non-witness UTXO")
                do { input.nonWitnessUTXO = try Transaction(serialized: record.value) } catch {
                    throw BitcoinError.invalidPSBT("\(name) non-witness UTXO: \(error)")
                }
            case 0x01:
                try expectKeyLength(record, 1, "\(name) witness UTXO")
                var reader = BitcoinReader(record.value)
                do {
                    let value = try reader.readUInt64(field: "amount")
                    let script = try reader.readVarBytes(field: "scriptPubKey")
                    try reader.finish("witness UTXO")
                    input.witnessUTXO = TxOut(value: value, scriptPubKey: Script(script))
                } catch { throw BitcoinError.invalidPSBT("\(name) witness UTXO: \(error)") }
            case 0x02:
                guard data.count == 33 || data.count == 65, let key = try? PublicKey(serialized: data) else {
                    throw BitcoinError.invalidPSBT("\(name) partial signature: invalid public key in key")
                }
                guard record.value.count > 1, (try? ECDSASignature(derRepresentation: record.value.dropLast())) != nil else {
                    throw BitcoinError.invalidPSBT("\(name) partial signature: not a DER signature with a sighash byte")
                }
                input.partialSignatures.append(PartialSignature(publicKey: key, encoding: data, signature: record.value))
            case 0x03:
                try expectKeyLength(record, 1, "\(name) sighash type")
                guard record.value.count == 4 else { throw BitcoinError.invalidPSBT("\(name) sighash type must be 4 bytes") }
                input.sighashType = SighashType(
                    rawValue: record.value.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
            case 0x04:
                try expectKeyLength(record, 1, "\(name) redeem script")
                input.redeemScript = Script(record.value)
            case 0x05:
                try expectKeyLength(record, 1, "\(name) witness script")
                input.witnessScript = Script(record.value)
            case 0x06:
                guard data.count == 33 || data.count == 65, (try? PublicKey(serialized: data)) != nil else {
                    throw BitcoinError.invalidPSBT("\(name) BIP-32 derivation: invalid public key in key")
                }
                guard record.value.count % 4 == 0, !record.value.isEmpty else {
                    throw BitcoinError.invalidPSBT("\(name) BIP-32 derivation: value must be a fingerprint and 4-byte indexes")
                }
                input.otherRecords.append(record)
            case 0x07:
                try expectKeyLength(record, 1, "\(name) final scriptSig")
                input.finalScriptSig = Script(record.value)
            case 0x08:
                try expectKeyLength(record, 1, "\(name) final script witness")
                var reader = BitcoinReader(record.value)
                do {
                    let count = try reader.readCount(field: "witness item count")
                    var stack: [[UInt8]] = []
                    for _ in 0..<count { stack.append(try reader.readVarBytes(field: "witness item")) }
                    try reader.finish("final script witness")
                    input.finalScriptWitness = stack
                } catch { throw BitcoinError.invalidPSBT("\(name) final script witness: \(error)") }
            case 0x0a...0x0d:  // RIPEMD160/SHA256/HASH160/HASH256 preimages: kept as is
                input.otherRecords.append(record)
            case 0x13...0x18:  // BIP-371 taproot fields: kept as is
                input.otherRecords.append(record)
            default:
                input.otherRecords.append(record)
            }
        }
        // `serialized` writes the BIP-32 derivations (0x06) before the other unknown records; keep that order here
        // so that decode(encode(x)) == x (found by the psbt fuzz target).
        input.otherRecords = input.otherRecords.filter { $0.key[0] == 0x06 } + input.otherRecords.filter { $0.key[0] != 0x06 }
        return input
    }

    private static func parseOutput(_ records: [Record], index: Int) throws -> Output {
        var output = Output()
        let name = "output \(index)"
        for record in records {
            switch record.key[0] {
            case 0x00:
                try expectKeyLength(record, 1, "\(name) redeem script")
                output.redeemScript = Script(record.value)
            case 0x01:
                try expectKeyLength(record, 1, "\(name) witness script")
                output.witnessScript = Script(record.value)
            case 0x02:
                let data = record.key.dropFirst()
                guard data.count == 33 || data.count == 65, (try? PublicKey(serialized: data)) != nil else {
                    throw BitcoinError.invalidPSBT("\(name) BIP-32 derivation: invalid public key in key")
                }
                output.otherRecords.append(record)
            default:
                output.otherRecords.append(record)
            }
        }
        return output
    }

    // MARK: Serialization

    public var serialized: [UInt8] {
        var w = BitcoinWriter()
        w.write(raw: PSBT.magic)
        PSBT.write(&w, [0x00], unsignedTransaction.serialized(includingWitness: false))
        if let version { PSBT.write(&w, [0xfb], PSBT.littleEndian(version)) }
        for record in globalRecords { PSBT.write(&w, record.key, record.value) }
        w.write(UInt8(0))
        for input in inputs {
            if let utxo = input.nonWitnessUTXO { PSBT.write(&w, [0x00], utxo.serialized()) }
            if let utxo = input.witnessUTXO {
                var value = BitcoinWriter()
                Transaction.write(utxo, to: &value)
                PSBT.write(&w, [0x01], value.bytes)
            }
            for partial in input.partialSignatures {
                PSBT.write(&w, [0x02] + partial.publicKeyEncoding, partial.signature)
            }
            if let type = input.sighashType { PSBT.write(&w, [0x03], PSBT.littleEndian(type.rawValue)) }
            if let script = input.redeemScript { PSBT.write(&w, [0x04], script.bytes) }
            if let script = input.witnessScript { PSBT.write(&w, [0x05], script.bytes) }
            for record in input.otherRecords where record.key[0] == 0x06 { PSBT.write(&w, record.key, record.value) }
            if let script = input.finalScriptSig { PSBT.write(&w, [0x07], script.bytes) }
            if let stack = input.finalScriptWitness {
                var value = BitcoinWriter()
                value.write(compactSize: UInt64(stack.count))
                for item in stack { value.write(varBytes: item) }
                PSBT.write(&w, [0x08], value.bytes)
            }
            for record in input.otherRecords where record.key[0] != 0x06 { PSBT.write(&w, record.key, record.value) }
            w.write(UInt8(0))
        }
        for output in outputs {
            if let script = output.redeemScript { PSBT.write(&w, [0x00], script.bytes) }
            if let script = output.witnessScript { PSBT.write(&w, [0x01], script.bytes) }
            for record in output.otherRecords { PSBT.write(&w, record.key, record.value) }
            w.write(UInt8(0))
        }
        return w.bytes
    }

    public var base64: String { Data(serialized).base64EncodedString() }

    private static func write(_ w: inout BitcoinWriter, _ key: [UInt8], _ value: [UInt8]) {
        w.write(varBytes: key)
        w.write(varBytes: value)
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    // MARK: Signing a P2WSH multisig input

    /// The BIP-143 digest input `index` signs, from its witness UTXO and witness script.
    /// - Throws: ``BitcoinError/invalidPSBT(_:)`` if either is missing or the script does not match the UTXO.
    public func signatureHash(inputIndex index: Int) throws -> [UInt8] {
        guard inputs.indices.contains(index) else { throw BitcoinError.invalidPSBT("no input \(index)") }
        let input = inputs[index]
        guard let utxo = input.witnessUTXO else { throw BitcoinError.invalidPSBT("input \(index): no witness UTXO") }
        guard let script = input.witnessScript else { throw BitcoinError.invalidPSBT("input \(index): no witness script") }
        guard Script.payToWitnessScriptHash(script) == utxo.scriptPubKey else {
            throw BitcoinError.invalidPSBT("input \(index): witness script does not hash to the UTXO's scriptPubKey")
        }
        return unsignedTransaction.segwitV0SignatureHash(
            inputIndex: index, scriptCode: script, amount: utxo.value, sighashType: input.sighashType ?? .all)
    }

    /// Adds a partial signature after checking it against the input's signature hash.
    /// - Throws: ``BitcoinError/invalidPSBT(_:)`` if the signature does not verify for `publicKey`.
    public mutating func addPartialSignature(inputIndex index: Int, publicKey: PublicKey, signature: ECDSASignature) throws {
        let hash = try signatureHash(inputIndex: index)
        guard publicKey.isValidECDSASignature(signature, for: hash) else {
            throw BitcoinError.invalidPSBT("input \(index): signature does not verify for key \(publicKey)")
        }
        let type = inputs[index].sighashType ?? .all
        let entry = PartialSignature(publicKey: publicKey, signature: signature.derRepresentation + [UInt8(type.rawValue & 0xff)])
        if let existing = inputs[index].partialSignatures.firstIndex(where: { $0.publicKey == publicKey }) {
            inputs[index].partialSignatures[existing] = entry
        } else {
            inputs[index].partialSignatures.append(entry)
        }
    }

    /// Signs input `index` with `key` (RFC 6979, low-S) and records the partial signature.
    public mutating func sign(inputIndex index: Int, with key: SecretKey) throws {
        let signature = try key.signECDSA(messageHash: try signatureHash(inputIndex: index))
        try addPartialSignature(inputIndex: index, publicKey: key.publicKey, signature: signature)
    }

    /// Builds the final witness of a P2WSH multisig input — `[] sig… witnessScript`, signatures
    /// in the script's key order — once it has at least `k` partial signatures, and clears the
    /// signing data as BIP-174's finalizer does.
    public mutating func finalizeMultisigInput(_ index: Int) throws {
        guard inputs.indices.contains(index) else { throw BitcoinError.invalidPSBT("no input \(index)") }
        guard let script = inputs[index].witnessScript, let (threshold, keys) = script.multisigParameters else {
            throw BitcoinError.invalidPSBT("input \(index): witness script is not a multisig script")
        }
        var signatures: [[UInt8]] = []
        for key in keys where signatures.count < threshold {
            if let partial = inputs[index].partialSignatures.first(where: { $0.publicKey == key }) {
                signatures.append(partial.signature)
            }
        }
        guard signatures.count == threshold else {
            throw BitcoinError.invalidPSBT("input \(index): \(signatures.count) of \(threshold) required signatures")
        }
        inputs[index].finalScriptWitness = [[]] + signatures + [script.bytes]
        inputs[index].partialSignatures = []
        inputs[index].sighashType = nil
        inputs[index].redeemScript = nil
        inputs[index].witnessScript = nil
        inputs[index].otherRecords.removeAll { $0.key[0] == 0x06 }
    }

    /// The network transaction once every input is finalized.
    public func extractTransaction() throws -> Transaction {
        var transaction = unsignedTransaction
        for (index, input) in inputs.enumerated() {
            guard input.finalScriptSig != nil || input.finalScriptWitness != nil else {
                throw BitcoinError.invalidPSBT("input \(index) is not finalized")
            }
            transaction.inputs[index].scriptSig = input.finalScriptSig ?? Script()
            transaction.inputs[index].witness = input.finalScriptWitness ?? []
        }
        return transaction
    }
}
