import FMSecp256k1

/// Why a segwit v0 input failed verification, with Bitcoin Core's script error text.
public enum ScriptVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    case scriptSigNotEmpty
    case emptyWitness
    case witnessProgramMismatch
    case wrongProgramLength
    case unsupportedOutputType
    case unsupportedWitnessScript
    case pushSizeExceeded
    case scriptSizeExceeded
    case invalidStackOperation
    case cleanStack
    case nonCanonicalDER
    case highS
    case undefinedSighashType
    case publicKeyType
    case witnessPublicKeyType
    case nullDummy
    case nullFail
    case evalFalse

    /// Bitcoin Core's `ScriptErrorString` for this failure.
    public var description: String {
        switch self {
        case .scriptSigNotEmpty: return "Witness requires empty scriptSig"
        case .emptyWitness: return "Witness program was passed an empty witness"
        case .witnessProgramMismatch: return "Witness program hash mismatch"
        case .wrongProgramLength: return "Witness program has incorrect length"
        case .unsupportedOutputType: return "Output type is not P2WPKH or P2WSH"
        case .unsupportedWitnessScript: return "Witness script is not a supported multisig or single-key script"
        case .pushSizeExceeded: return "Push value size limit exceeded"
        case .scriptSizeExceeded: return "Script is too big"
        case .invalidStackOperation: return "Operation not valid with the current stack size"
        case .cleanStack: return "Stack size must be exactly one after execution"
        case .nonCanonicalDER: return "Non-canonical DER signature"
        case .highS: return "Non-canonical signature: S value is unnecessarily high"
        case .undefinedSighashType: return "Signature hash type missing or not understood"
        case .publicKeyType: return "Public key is neither compressed or uncompressed"
        case .witnessPublicKeyType: return "Using non-compressed keys in segwit"
        case .nullDummy: return "Dummy CHECKMULTISIG argument must be zero"
        case .nullFail: return "Signature must be zero for failed CHECK(MULTI)SIG operation"
        case .evalFalse: return "Script evaluated without error but finished with a false/empty top stack element"
        }
    }

    /// Whether Bitcoin Core enforces this in consensus (`mandatory-script-verify-flag-failed`)
    /// rather than only as mempool policy (`non-mandatory-script-verify-flag`).
    public var isConsensus: Bool {
        switch self {
        case .highS, .undefinedSighashType, .publicKeyType, .witnessPublicKeyType, .nullFail, .unsupportedOutputType,
            .unsupportedWitnessScript:
            return false
        default:
            return true
        }
    }
}

/// Which of Bitcoin Core's script rules to apply.
public enum ScriptRules: Sendable {
    /// Consensus rules only (block validation; `mandatory-script-verify-flag-failed`).
    case consensus
    /// Consensus plus the standardness flags a mempool applies: low S, defined sighash types,
    /// compressed keys in segwit, NULLFAIL.
    case standard
}

extension Transaction {
    /// Verifies input `index` spending `spentOutput`, for the output types this project uses:
    /// P2WPKH and P2WSH with a `multi`/`sortedmulti` or `<key> OP_CHECKSIG` witness script.
    ///
    /// Applies Bitcoin Core's consensus rules for these scripts (BIP-141/143, strict DER, NULLDUMMY,
    /// clean stack) and, with `.standard`, its policy flags too, so an input accepted here is
    /// accepted by a bitcoind mempool. Like Core's mempool, a caller can check `.standard` first
    /// and, on failure, `.consensus` to tell a policy rejection from a consensus one.
    /// - Throws: ``ScriptVerificationError`` naming the first rule broken.
    public func verifySegwitInput(_ index: Int, spending spentOutput: TxOut, rules: ScriptRules = .standard)
        throws(ScriptVerificationError)
    {
        let standard = rules == .standard
        let input = inputs[index]
        guard let (version, program) = spentOutput.scriptPubKey.witnessProgram, version == 0 else {
            throw .unsupportedOutputType
        }
        guard input.scriptSig.bytes.isEmpty else { throw .scriptSigNotEmpty }
        let witness = input.witness
        guard !witness.isEmpty else { throw .emptyWitness }
        switch program.count {
        case 20:
            guard witness.count == 2 else { throw .witnessProgramMismatch }
            guard hash160(witness[1]) == program else { throw .witnessProgramMismatch }
            let scriptCode = Script.payToPublicKeyHash(program)
            guard try checkSignature(witness[0], witness[1], index, scriptCode, spentOutput.value, standard) else {
                throw witness[0].isEmpty || !standard ? .evalFalse : .nullFail
            }
        case 32:
            let scriptBytes = witness[witness.count - 1]
            guard sha256(scriptBytes) == program else { throw .witnessProgramMismatch }
            guard scriptBytes.count <= 10_000 else { throw .scriptSizeExceeded }
            let stack = Array(witness.dropLast())
            guard stack.allSatisfy({ $0.count <= 520 }) else { throw .pushSizeExceeded }
            try verifyWitnessScript(Script(scriptBytes), stack: stack, index: index, amount: spentOutput.value, standard: standard)
        default:
            throw .wrongProgramLength
        }
    }

    private func verifyWitnessScript(_ script: Script, stack: [[UInt8]], index: Int, amount: UInt64, standard: Bool)
        throws(ScriptVerificationError)
    {
        guard let elements = try? script.elements() else { throw .unsupportedWitnessScript }
        if elements.count == 2, case .push(let key) = elements[0], case .op(.checkSig) = elements[1] {
            guard stack.count >= 1 else { throw .invalidStackOperation }
            guard stack.count == 1 else { throw .cleanStack }
            guard try checkSignature(stack[0], key, index, script, amount, standard) else {
                throw stack[0].isEmpty || !standard ? .evalFalse : .nullFail
            }
            return
        }
        // OP_k <key>... OP_n OP_CHECKMULTISIG, keys as raw pushes (validated when used).
        guard elements.count >= 4, case .op(let kOp) = elements.first, let k = kOp.smallIntegerValue,
            case .op(.checkMultiSig) = elements.last, case .op(let nOp) = elements[elements.count - 2],
            let n = nOp.smallIntegerValue, n == elements.count - 3, (0...n).contains(k)
        else { throw .unsupportedWitnessScript }
        var keys: [[UInt8]] = []
        for element in elements[1..<elements.count - 2] {
            guard case .push(let key) = element else { throw .unsupportedWitnessScript }
            keys.append(key)
        }
        // CHECKMULTISIG consumes k signatures plus the dummy element.
        guard stack.count >= k + 1 else { throw .invalidStackOperation }
        guard stack.count == k + 1 else { throw .cleanStack }
        guard stack[0].isEmpty else { throw .nullDummy }
        let signatures = Array(stack.dropFirst())
        var signatureIndex = 0
        var keyIndex = 0
        var success = true
        while success && signatureIndex < signatures.count {
            if try checkSignature(signatures[signatureIndex], keys[keyIndex], index, script, amount, standard) {
                signatureIndex += 1
            }
            keyIndex += 1
            if signatures.count - signatureIndex > keys.count - keyIndex { success = false }
        }
        if !success {
            guard !standard || signatures.allSatisfy(\.isEmpty) else { throw .nullFail }
            throw .evalFalse
        }
    }

    /// Core's `CheckECDSASignature` with the encoding checks that precede it.
    private func checkSignature(
        _ signature: [UInt8], _ key: [UInt8], _ index: Int, _ scriptCode: Script, _ amount: UInt64, _ standard: Bool
    ) throws(ScriptVerificationError) -> Bool {
        guard !signature.isEmpty else { return false }
        guard Transaction.isStrictDER(signature) else { throw .nonCanonicalDER }
        guard let parsed = try? ECDSASignature(derRepresentation: signature.dropLast()) else { throw .nonCanonicalDER }
        let type = signature[signature.count - 1]
        if standard {
            guard parsed.isLowS else { throw .highS }
            guard (1...3).contains(type & ~0x80) else { throw .undefinedSighashType }
            guard (key.count == 33 && (key[0] == 2 || key[0] == 3)) || (key.count == 65 && key[0] == 4) else {
                throw .publicKeyType
            }
            guard key.count == 33 else { throw .witnessPublicKeyType }
        }
        guard let publicKey = try? PublicKey(serialized: key) else { return false }
        let hash = segwitV0SignatureHash(
            inputIndex: index, scriptCode: scriptCode, amount: amount, sighashType: SighashType(rawValue: UInt32(type)))
        // Consensus accepts either S; libsecp256k1 verifies the low-S form.
        return publicKey.isValidECDSASignature(parsed.normalized(), for: hash)
    }

    /// BIP-66 strict DER encoding of a signature followed by its sighash byte (Core's `IsValidSignatureEncoding`).
    static func isStrictDER(_ sig: [UInt8]) -> Bool {
        guard sig.count >= 9, sig.count <= 73, sig[0] == 0x30, Int(sig[1]) == sig.count - 3 else { return false }
        let lenR = Int(sig[3])
        guard 5 + lenR < sig.count else { return false }
        let lenS = Int(sig[5 + lenR])
        guard lenR + lenS + 7 == sig.count else { return false }
        guard sig[2] == 0x02, lenR != 0, sig[4] & 0x80 == 0 else { return false }
        if lenR > 1 && sig[4] == 0 && sig[5] & 0x80 == 0 { return false }
        guard sig[lenR + 4] == 0x02, lenS != 0, sig[lenR + 6] & 0x80 == 0 else { return false }
        if lenS > 1 && sig[lenR + 6] == 0 && sig[lenR + 7] & 0x80 == 0 { return false }
        return true
    }
}
