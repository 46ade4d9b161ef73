import FMBitcoin

/// Bitcoin Core's regtest consensus and policy constants that fm-regtest applies
/// (`src/kernel/chainparams.cpp` CRegTestParams, `src/policy/policy.h`).
public enum RegtestParameters {
    /// nBits of every regtest block (`fPowNoRetargeting`, powLimit 0x7fff...).
    public static let bits: UInt32 = 0x207f_ffff
    /// `nSubsidyHalvingInterval` on regtest.
    public static let halvingInterval = 150
    /// `COINBASE_MATURITY`: a coinbase output is spendable by a transaction in a block this many blocks deeper.
    public static let coinbaseMaturity = 100
    /// Block header version mined (BIP-9 top bits, no deployment signalled).
    public static let blockVersion: Int32 = 0x2000_0000
    /// `MAX_BLOCK_WEIGHT`.
    public static let maximumBlockWeight = 4_000_000
    /// `MAX_STANDARD_TX_WEIGHT`.
    public static let maximumStandardTransactionWeight = 400_000
    /// `MIN_STANDARD_TX_NONWITNESS_SIZE`.
    public static let minimumNonWitnessSize = 65
    /// `DEFAULT_MIN_RELAY_TX_FEE`: 1000 sat/kvB (1 sat/vB).
    public static let minimumRelayFeeRate: UInt64 = 1000
    /// `DEFAULT_INCREMENTAL_RELAY_FEE` and the dust relay fee: 3000 sat/kvB for dust.
    public static let dustRelayFeeRate: UInt64 = 3000
    /// `DEFAULT_MAX_RAW_TX_FEE_RATE` of sendrawtransaction: 0.10 BTC/kvB.
    public static let defaultMaximumFeeRate: UInt64 = 10_000_000
    /// `MAX_OP_RETURN_RELAY` (before Core 30): 83 bytes of OP_RETURN script.
    public static let maximumNullDataSize = 83
    /// `LOCKTIME_THRESHOLD`: lock times below are heights, above are UNIX times.
    public static let lockTimeThreshold: UInt32 = 500_000_000

    /// The block reward at `height`: 50 BTC halved every ``halvingInterval`` blocks (Core's `GetBlockSubsidy`).
    public static func subsidy(height: Int) -> UInt64 {
        let halvings = height / halvingInterval
        guard halvings < 64 else { return 0 }
        return (50 * BitcoinAmount.satoshisPerBitcoin) >> UInt64(halvings)
    }

    /// Bitcoin Core's dust threshold for an output with this script at the dust relay fee
    /// (`GetDustThreshold`): the cost of spending it; unspendable OP_RETURN outputs are never dust.
    public static func dustThreshold(_ scriptPubKey: Script) -> UInt64 {
        if scriptPubKey.bytes.first == Opcode.return.rawValue { return 0 }
        let outputSize = 8 + CompactSize.encode(UInt64(scriptPubKey.bytes.count)).count + scriptPubKey.bytes.count
        // Spending input: 32+4+1+4 = 41 bytes, plus the witness (107 bytes, discounted 4×) or a 107-byte scriptSig.
        let spendSize = scriptPubKey.witnessProgram != nil ? 32 + 4 + 1 + (107 / 4) + 4 : 32 + 4 + 1 + 107 + 4
        return UInt64(outputSize + spendSize) * dustRelayFeeRate / 1000
    }

    /// Whether Bitcoin Core's `IsStandard` accepts this output script: P2PKH, P2SH, segwit v0
    /// (20/32 bytes), taproot, pay-to-anchor, other witness versions, or OP_RETURN up to 83 bytes.
    public static func isStandardOutput(_ scriptPubKey: Script) -> Bool {
        let bytes = scriptPubKey.bytes
        if let (version, program) = scriptPubKey.witnessProgram {
            return version != 0 || program.count == 20 || program.count == 32
        }
        if bytes.count == 25, bytes[0] == Opcode.dup.rawValue, bytes[1] == Opcode.hash160.rawValue, bytes[2] == 20,
            bytes[23] == Opcode.equalVerify.rawValue, bytes[24] == Opcode.checkSig.rawValue
        {
            return true
        }
        if bytes.count == 23, bytes[0] == Opcode.hash160.rawValue, bytes[1] == 20, bytes[22] == Opcode.equal.rawValue {
            return true
        }
        if bytes.first == Opcode.return.rawValue {
            // Only pushes may follow OP_RETURN in a standard null-data output.
            guard bytes.count <= maximumNullDataSize, let elements = try? Script(bytes.dropFirst()).elements() else { return false }
            return elements.allSatisfy(TransactionValidator.isPush)
        }
        return false
    }
}
