/// A reference to a transaction output: txid and output index.
public struct OutPoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var txid: Hash256
    public var index: UInt32

    public init(txid: Hash256, index: UInt32) {
        self.txid = txid
        self.index = index
    }

    /// The null outpoint of a coinbase input.
    public static let null = OutPoint(txid: .zero, index: 0xffff_ffff)
    public var isNull: Bool { self == .null }

    public var description: String { "\(txid):\(index)" }
}

public struct TxIn: Sendable, Hashable {
    public var previousOutput: OutPoint
    public var scriptSig: Script
    public var sequence: UInt32
    /// Segwit witness stack (BIP-141); empty for non-witness inputs.
    public var witness: [[UInt8]]

    public init(previousOutput: OutPoint, scriptSig: Script = Script(), sequence: UInt32 = 0xffff_fffd, witness: [[UInt8]] = []) {
        self.previousOutput = previousOutput
        self.scriptSig = scriptSig
        self.sequence = sequence
        self.witness = witness
    }
}

public struct TxOut: Sendable, Hashable {
    /// Amount in satoshis.
    public var value: UInt64
    public var scriptPubKey: Script

    public init(value: UInt64, scriptPubKey: Script) {
        self.value = value
        self.scriptPubKey = scriptPubKey
    }
}

/// A bitcoin transaction, serialized with the BIP-144 segwit format when any input has a witness.
public struct Transaction: Sendable, Hashable {
    public var version: Int32
    public var inputs: [TxIn]
    public var outputs: [TxOut]
    public var lockTime: UInt32

    public init(version: Int32 = 2, inputs: [TxIn], outputs: [TxOut], lockTime: UInt32 = 0) {
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
    }

    public var hasWitness: Bool { inputs.contains { !$0.witness.isEmpty } }

    public var isCoinbase: Bool { inputs.count == 1 && inputs[0].previousOutput.isNull }

    /// The wire encoding: BIP-144 (marker 0x00, flag 0x01, witnesses) when any input has a
    /// witness and `includingWitness` is true, the legacy encoding otherwise.
    public func serialized(includingWitness: Bool = true) -> [UInt8] {
        var writer = BitcoinWriter()
        write(to: &writer, includingWitness: includingWitness)
        return writer.bytes
    }

    public func write(to writer: inout BitcoinWriter, includingWitness: Bool = true) {
        let segwit = includingWitness && hasWitness
        writer.write(version)
        if segwit {
            writer.write(UInt8(0))
            writer.write(UInt8(1))
        }
        writer.write(compactSize: UInt64(inputs.count))
        for input in inputs {
            writer.write(raw: input.previousOutput.txid.bytes)
            writer.write(input.previousOutput.index)
            writer.write(varBytes: input.scriptSig.bytes)
            writer.write(input.sequence)
        }
        writer.write(compactSize: UInt64(outputs.count))
        for output in outputs {
            writer.write(output.value)
            writer.write(varBytes: output.scriptPubKey.bytes)
        }
        if segwit {
            for input in inputs {
                writer.write(compactSize: UInt64(input.witness.count))
                for item in input.witness { writer.write(varBytes: item) }
            }
        }
        writer.write(lockTime)
    }

    /// Parses one transaction occupying all of `bytes`.
    public init(serialized bytes: some Collection<UInt8>) throws {
        var reader = BitcoinReader(bytes)
        try self.init(from: &reader)
        try reader.finish("transaction")
    }

    /// Parses one transaction from the reader's position (e.g. inside a block). With
    /// `allowWitness` false the legacy encoding is assumed, so zero inputs is read as such
    /// (PSBTs carry their unsigned transaction this way).
    public init(from reader: inout BitcoinReader, allowWitness: Bool = true) throws {
        version = try reader.readInt32(field: "transaction version")
        var inputCount = try reader.readCount(field: "input count", minimumItemSize: 41)
        var segwit = false
        if inputCount == 0 && allowWitness {
            // BIP-144: a zero input count is the marker; the next byte is the flag.
            let flag = try reader.readUInt8(field: "segwit flag")
            guard flag == 1 else { throw BitcoinError.invalidSegwitEncoding("flag must be 1, got \(flag)") }
            segwit = true
            inputCount = try reader.readCount(field: "input count", minimumItemSize: 41)
        }
        var inputs: [TxIn] = []
        inputs.reserveCapacity(inputCount)
        for _ in 0..<inputCount {
            let txid = Hash256(unchecked: try reader.readBytes(32, field: "input txid"))
            let index = try reader.readUInt32(field: "input index")
            let scriptSig = Script(try reader.readVarBytes(field: "scriptSig"))
            let sequence = try reader.readUInt32(field: "input sequence")
            inputs.append(TxIn(previousOutput: OutPoint(txid: txid, index: index), scriptSig: scriptSig, sequence: sequence))
        }
        let outputCount = try reader.readCount(field: "output count", minimumItemSize: 9)
        var outputs: [TxOut] = []
        outputs.reserveCapacity(outputCount)
        for _ in 0..<outputCount {
            let value = try reader.readUInt64(field: "output value")
            outputs.append(TxOut(value: value, scriptPubKey: Script(try reader.readVarBytes(field: "scriptPubKey"))))
        }
        if segwit {
            for i in inputs.indices {
                let items = try reader.readCount(field: "witness item count")
                var stack: [[UInt8]] = []
                stack.reserveCapacity(items)
                for _ in 0..<items { stack.append(try reader.readVarBytes(field: "witness item")) }
                inputs[i].witness = stack
            }
            // Bitcoin Core refuses the segwit encoding when every witness is empty.
            guard inputs.contains(where: { !$0.witness.isEmpty }) else {
                throw BitcoinError.invalidSegwitEncoding("segwit marker present but all witnesses are empty")
            }
        }
        lockTime = try reader.readUInt32(field: "lock time")
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Hash of the encoding without witnesses.
    public var txid: Hash256 { Hash256.of(serialized(includingWitness: false)) }
    /// Hash of the full encoding (BIP-141); equals ``txid`` for a transaction without witnesses.
    public var wtxid: Hash256 { Hash256.of(serialized(includingWitness: true)) }

    /// Serialized size with witnesses.
    public var totalSize: Int { serialized().count }
    /// BIP-141 weight: 3 × base size + total size.
    public var weight: Int { 3 * serialized(includingWitness: false).count + totalSize }
    /// Virtual size, weight / 4 rounded up.
    public var virtualSize: Int { (weight + 3) / 4 }
}
