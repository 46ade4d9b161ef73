import FMSecp256k1

/// A bitcoin script as raw bytes, with a builder that applies the minimal-push rules
/// and constructors for the standard output and witness scripts.
public struct Script: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public private(set) var bytes: [UInt8]

    public init() { bytes = [] }
    public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    public init(arrayLiteral elements: Element...) {
        var script = Script()
        for element in elements { script.append(element) }
        self = script
    }

    /// One parsed script item.
    public enum Element: Sendable, Hashable {
        case op(Opcode)
        /// An opcode byte this library has no name for.
        case unknownOp(UInt8)
        /// Data pushed by a push opcode (appended with the minimal encoding).
        case push([UInt8])
        /// An integer pushed as OP_0...OP_16 / OP_1NEGATE or as minimal CScriptNum bytes.
        case number(Int64)
    }

    // MARK: Building

    public mutating func append(_ element: Element) {
        switch element {
        case .op(let op): bytes.append(op.rawValue)
        case .unknownOp(let byte): bytes.append(byte)
        case .push(let data): appendPush(data)
        case .number(let n): appendNumber(n)
        }
    }

    public func appending(_ elements: Element...) -> Script {
        var copy = self
        for element in elements { copy.append(element) }
        return copy
    }

    /// Pushes data with the shortest encoding (BIP-62 minimal push): OP_0 for empty,
    /// OP_1...OP_16 / OP_1NEGATE for single bytes 1...16 / 0x81, a direct push up to 75
    /// bytes, then OP_PUSHDATA1/2/4.
    public mutating func appendPush(_ data: [UInt8]) {
        if data.isEmpty {
            bytes.append(Opcode.op0.rawValue)
        } else if data.count == 1, (1...16).contains(data[0]) {
            bytes.append(0x50 + data[0])
        } else if data.count == 1, data[0] == 0x81 {
            bytes.append(Opcode.op1Negate.rawValue)
        } else if data.count <= 75 {
            bytes.append(UInt8(data.count))
            bytes += data
        } else if data.count <= 0xff {
            bytes += [Opcode.pushData1.rawValue, UInt8(data.count)]
            bytes += data
        } else if data.count <= 0xffff {
            bytes += [Opcode.pushData2.rawValue, UInt8(data.count & 0xff), UInt8(data.count >> 8)]
            bytes += data
        } else {
            bytes.append(Opcode.pushData4.rawValue)
            for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: data.count >> (8 * i))) }
            bytes += data
        }
    }

    /// Pushes an integer as Bitcoin Core's `CScript() << n` does: OP_0, OP_1NEGATE,
    /// OP_1...OP_16, otherwise minimal little-endian sign-magnitude bytes (CScriptNum).
    public mutating func appendNumber(_ n: Int64) {
        if n == 0 {
            bytes.append(Opcode.op0.rawValue)
        } else if n == -1 {
            bytes.append(Opcode.op1Negate.rawValue)
        } else if (1...16).contains(n) {
            bytes.append(0x50 + UInt8(n))
        } else {
            let data = Script.encodeNumber(n)
            bytes.append(UInt8(data.count))
            bytes += data
        }
    }

    /// CScriptNum serialization: little-endian magnitude, sign in the top bit of the last byte.
    public static func encodeNumber(_ n: Int64) -> [UInt8] {
        guard n != 0 else { return [] }
        var magnitude = n.magnitude
        var out: [UInt8] = []
        while magnitude > 0 {
            out.append(UInt8(magnitude & 0xff))
            magnitude >>= 8
        }
        if out.last! & 0x80 != 0 {
            out.append(n < 0 ? 0x80 : 0x00)
        } else if n < 0 {
            out[out.count - 1] |= 0x80
        }
        return out
    }

    // MARK: Parsing

    /// The script split into opcodes and pushes (pushes keep their exact data).
    /// - Throws: ``BitcoinError/invalidScript(_:)`` if a push runs past the end.
    public func elements() throws -> [Element] {
        var result: [Element] = []
        var i = 0
        func take(_ n: Int) throws -> [UInt8] {
            guard n >= 0, i + n <= bytes.count else { throw BitcoinError.invalidScript("push of \(n) bytes runs past the end") }
            defer { i += n }
            return Array(bytes[i..<i + n])
        }
        func littleEndian(_ raw: [UInt8]) -> Int { raw.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } }
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            switch byte {
            case 0x01...0x4b: result.append(.push(try take(Int(byte))))
            case Opcode.pushData1.rawValue: result.append(.push(try take(littleEndian(try take(1)))))
            case Opcode.pushData2.rawValue: result.append(.push(try take(littleEndian(try take(2)))))
            case Opcode.pushData4.rawValue: result.append(.push(try take(littleEndian(try take(4)))))
            default: result.append(Opcode(rawValue: byte).map(Element.op) ?? .unknownOp(byte))
            }
        }
        return result
    }

    // MARK: Standard scripts

    /// `OP_0 <20-byte HASH160(compressed key)>`.
    public static func payToWitnessPublicKeyHash(_ key: PublicKey) -> Script {
        payToWitnessPublicKeyHash(hash160(key.compressed))
    }

    public static func payToWitnessPublicKeyHash(_ keyHash: [UInt8]) -> Script {
        precondition(keyHash.count == 20, "P2WPKH program is 20 bytes")
        return [.op(.op0), .push(keyHash)]
    }

    /// `OP_0 <32-byte SHA256(witnessScript)>`.
    public static func payToWitnessScriptHash(_ witnessScript: Script) -> Script {
        [.op(.op0), .push(sha256(witnessScript.bytes))]
    }

    /// `OP_1 <32-byte output key>` (BIP-341).
    public static func payToTaproot(outputKey: XOnlyPublicKey) -> Script {
        [.op(.op1), .push(outputKey.rawRepresentation)]
    }

    /// `OP_1 <Q>` for internal key P with Q = P + TaggedHash("TapTweak", P || merkleRoot)·G (BIP-341;
    /// pass no merkle root for a key-path-only output, as BIP-86 does).
    public static func payToTaproot(internalKey: XOnlyPublicKey, merkleRoot: [UInt8]? = nil) throws -> Script {
        let tweak = TaggedHash.sha256(tag: "TapTweak", internalKey.rawRepresentation + (merkleRoot ?? []))
        return payToTaproot(outputKey: try internalKey.tweaked(by: tweak).key)
    }

    /// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`; also the BIP-143 scriptCode of a P2WPKH input.
    public static func payToPublicKeyHash(_ keyHash: [UInt8]) -> Script {
        precondition(keyHash.count == 20, "P2PKH hash is 20 bytes")
        return [.op(.dup), .op(.hash160), .push(keyHash), .op(.equalVerify), .op(.checkSig)]
    }

    /// `OP_HASH160 <20> OP_EQUAL`.
    public static func payToScriptHash(_ redeemScript: Script) -> Script {
        [.op(.hash160), .push(hash160(redeemScript.bytes)), .op(.equal)]
    }

    /// `OP_k <key>... OP_n OP_CHECKMULTISIG` with keys in the given order (descriptor `multi`).
    /// - Throws: ``BitcoinError/invalidScript(_:)`` unless 1 ≤ k ≤ n ≤ 16.
    public static func multisig(threshold: Int, _ keys: [PublicKey]) throws -> Script {
        guard (1...16).contains(keys.count), (1...keys.count).contains(threshold) else {
            throw BitcoinError.invalidScript("multisig needs 1 ≤ k ≤ n ≤ 16, got k=\(threshold) n=\(keys.count)")
        }
        var script = Script()
        script.appendNumber(Int64(threshold))
        for key in keys { script.appendPush(key.compressed) }
        script.appendNumber(Int64(keys.count))
        script.append(.op(.checkMultiSig))
        return script
    }

    /// ``multisig(threshold:_:)`` with keys sorted by their compressed encoding (descriptor `sortedmulti`, BIP-67).
    public static func sortedMultisig(threshold: Int, _ keys: [PublicKey]) throws -> Script {
        try multisig(threshold: threshold, keys.sorted { $0.compressed.lexicographicallyPrecedes($1.compressed) })
    }

    /// The coinbase output script of a BIP-141 witness commitment: `OP_RETURN <aa21a9ed || commitment>`.
    public static func witnessCommitment(_ commitment: [UInt8]) -> Script {
        precondition(commitment.count == 32, "a witness commitment is 32 bytes")
        return [.op(.return), .push([0xaa, 0x21, 0xa9, 0xed] + commitment)]
    }

    /// The coinbase scriptSig prefix BIP-34 requires: the block height as `CScript() << height`.
    public static func coinbaseHeight(_ height: Int64) -> Script {
        var script = Script()
        script.appendNumber(height)
        return script
    }

    /// The threshold and keys of a bare `OP_k <keys> OP_n OP_CHECKMULTISIG` script, or `nil`.
    public var multisigParameters: (threshold: Int, keys: [PublicKey])? {
        guard let elements = try? elements(), elements.count >= 4,
            case .op(let kOp) = elements.first, let k = kOp.smallIntegerValue,
            case .op(.checkMultiSig) = elements.last,
            case .op(let nOp) = elements[elements.count - 2], let n = nOp.smallIntegerValue,
            n == elements.count - 3, (1...n).contains(k)
        else { return nil }
        var keys: [PublicKey] = []
        for element in elements[1..<elements.count - 2] {
            guard case .push(let data) = element, let key = try? PublicKey(serialized: data) else { return nil }
            keys.append(key)
        }
        return (k, keys)
    }

    /// For a segwit output script (`OP_n <2...40 bytes>`), its version and program.
    public var witnessProgram: (version: Int, program: [UInt8])? {
        guard (4...42).contains(bytes.count), Int(bytes[1]) + 2 == bytes.count, (2...40).contains(bytes[1]) else { return nil }
        switch bytes[0] {
        case Opcode.op0.rawValue: return (0, Array(bytes[2...]))
        case Opcode.op1.rawValue...Opcode.op16.rawValue: return (Int(bytes[0] - 0x50), Array(bytes[2...]))
        default: return nil
        }
    }

    public var isPayToWitnessPublicKeyHash: Bool { witnessProgram.map { $0.version == 0 && $0.program.count == 20 } ?? false }
    public var isPayToWitnessScriptHash: Bool { witnessProgram.map { $0.version == 0 && $0.program.count == 32 } ?? false }
    public var isPayToTaproot: Bool { witnessProgram.map { $0.version == 1 && $0.program.count == 32 } ?? false }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}
