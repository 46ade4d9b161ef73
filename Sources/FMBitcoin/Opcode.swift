/// Script opcodes used by the standard output types, multisig and the coinbase height push.
public enum Opcode: UInt8, Sendable {
    case op0 = 0x00
    case pushData1 = 0x4c
    case pushData2 = 0x4d
    case pushData4 = 0x4e
    case op1Negate = 0x4f
    case op1 = 0x51, op2, op3, op4, op5, op6, op7, op8, op9, op10, op11, op12, op13, op14, op15, op16
    case nop = 0x61
    case `if` = 0x63, notIf = 0x64, `else` = 0x67, endIf = 0x68
    case verify = 0x69
    case `return` = 0x6a
    case drop = 0x75, dup = 0x76, swap = 0x7c, size = 0x82
    case equal = 0x87, equalVerify = 0x88
    case add = 0x93
    case hash160 = 0xa9, sha256 = 0xa8, hash256 = 0xaa
    case checkSig = 0xac, checkSigVerify = 0xad, checkMultiSig = 0xae, checkMultiSigVerify = 0xaf
    case checkLockTimeVerify = 0xb1, checkSequenceVerify = 0xb2
    case checkSigAdd = 0xba

    /// OP_0 ... OP_16 for a small integer, `nil` outside 0...16.
    public static func smallInteger(_ n: Int) -> Opcode? {
        switch n {
        case 0: return .op0
        case 1...16: return Opcode(rawValue: 0x50 + UInt8(n))
        default: return nil
        }
    }

    /// The value of OP_0 ... OP_16, `nil` for other opcodes.
    public var smallIntegerValue: Int? {
        switch self {
        case .op0: return 0
        case .op1 ... .op16: return Int(rawValue - 0x50)
        default: return nil
        }
    }
}

extension Opcode: Comparable {
    public static func < (lhs: Opcode, rhs: Opcode) -> Bool { lhs.rawValue < rhs.rawValue }
}
