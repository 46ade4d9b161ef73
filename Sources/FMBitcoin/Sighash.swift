/// The signature hash type byte appended to ECDSA signatures.
public struct SighashType: RawRepresentable, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let all = SighashType(rawValue: 0x01)
    public static let none = SighashType(rawValue: 0x02)
    public static let single = SighashType(rawValue: 0x03)
    public static let allAnyoneCanPay = SighashType(rawValue: 0x81)
    public static let noneAnyoneCanPay = SighashType(rawValue: 0x82)
    public static let singleAnyoneCanPay = SighashType(rawValue: 0x83)

    public var anyoneCanPay: Bool { rawValue & 0x80 != 0 }
    /// The base type (low 5 bits), as Bitcoin Core masks it.
    var base: UInt32 { rawValue & 0x1f }
}

extension Transaction {
    /// BIP-143 signature hash for segwit v0 input `inputIndex`.
    ///
    /// - Parameters:
    ///   - scriptCode: the script being executed, without a length prefix: for P2WPKH the
    ///     P2PKH script of the key hash (``Script/payToPublicKeyHash(_:)``), for P2WSH the witness script.
    ///   - amount: the value in satoshis of the output being spent.
    /// - Returns: the 32-byte digest to sign (not reversed).
    public func segwitV0SignatureHash(
        inputIndex: Int, scriptCode: Script, amount: UInt64, sighashType: SighashType
    ) -> [UInt8] {
        sha256d(segwitV0SignaturePreimage(inputIndex: inputIndex, scriptCode: scriptCode, amount: amount, sighashType: sighashType))
    }

    /// The BIP-143 preimage that ``segwitV0SignatureHash(inputIndex:scriptCode:amount:sighashType:)`` hashes.
    public func segwitV0SignaturePreimage(
        inputIndex: Int, scriptCode: Script, amount: UInt64, sighashType: SighashType
    ) -> [UInt8] {
        precondition(inputs.indices.contains(inputIndex), "input index \(inputIndex) out of range")
        let zero = [UInt8](repeating: 0, count: 32)
        let base = sighashType.base
        let singleOrNone = base == SighashType.single.rawValue || base == SighashType.none.rawValue

        var hashPrevouts = zero
        if !sighashType.anyoneCanPay {
            var w = BitcoinWriter()
            for input in inputs {
                w.write(raw: input.previousOutput.txid.bytes)
                w.write(input.previousOutput.index)
            }
            hashPrevouts = sha256d(w.bytes)
        }
        var hashSequence = zero
        if !sighashType.anyoneCanPay && !singleOrNone {
            var w = BitcoinWriter()
            for input in inputs { w.write(input.sequence) }
            hashSequence = sha256d(w.bytes)
        }
        var hashOutputs = zero
        if !singleOrNone {
            var w = BitcoinWriter()
            for output in outputs { Transaction.write(output, to: &w) }
            hashOutputs = sha256d(w.bytes)
        } else if base == SighashType.single.rawValue && inputIndex < outputs.count {
            var w = BitcoinWriter()
            Transaction.write(outputs[inputIndex], to: &w)
            hashOutputs = sha256d(w.bytes)
        }

        let input = inputs[inputIndex]
        var w = BitcoinWriter()
        w.write(version)
        w.write(raw: hashPrevouts)
        w.write(raw: hashSequence)
        w.write(raw: input.previousOutput.txid.bytes)
        w.write(input.previousOutput.index)
        w.write(varBytes: scriptCode.bytes)
        w.write(amount)
        w.write(input.sequence)
        w.write(raw: hashOutputs)
        w.write(lockTime)
        w.write(sighashType.rawValue)
        return w.bytes
    }

    static func write(_ output: TxOut, to writer: inout BitcoinWriter) {
        writer.write(output.value)
        writer.write(varBytes: output.scriptPubKey.bytes)
    }
}
