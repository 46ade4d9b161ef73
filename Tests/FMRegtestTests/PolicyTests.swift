import FMBitcoin
import Testing

@testable import FMRegtest

@Suite struct PolicyTests {
    @Test func dustThresholdsAreBitcoinCores() {
        #expect(RegtestParameters.dustThreshold(Script([0x00, 0x14] + [UInt8](repeating: 1, count: 20))) == 294)  // P2WPKH
        #expect(RegtestParameters.dustThreshold(Script([0x00, 0x20] + [UInt8](repeating: 1, count: 32))) == 330)  // P2WSH
        #expect(RegtestParameters.dustThreshold(.payToPublicKeyHash([UInt8](repeating: 1, count: 20))) == 546)
        #expect(RegtestParameters.dustThreshold(Script([0x6a, 0x01, 0x00])) == 0)  // OP_RETURN
    }

    @Test func standardOutputs() {
        #expect(RegtestParameters.isStandardOutput(.payToPublicKeyHash([UInt8](repeating: 1, count: 20))))
        #expect(RegtestParameters.isStandardOutput(Script([0x51, 0x20] + [UInt8](repeating: 1, count: 32))))  // P2TR
        #expect(RegtestParameters.isStandardOutput(Script([0x6a, 0x04, 1, 2, 3, 4])))
        #expect(!RegtestParameters.isStandardOutput(Script([0x6a, 0x7e])))  // OP_RETURN OP_CAT
        #expect(!RegtestParameters.isStandardOutput(Script([0x6a, 0x4c, 83] + [UInt8](repeating: 0, count: 83))))  // 86 bytes
        #expect(!RegtestParameters.isStandardOutput(Script([0x00, 0x15] + [UInt8](repeating: 1, count: 21))))
        #expect(!RegtestParameters.isStandardOutput(Script([0x51])))
    }

    @Test func formatMoneyKeepsTwoDecimals() {
        #expect(formatMoney(5_000_000_000) == "50.00")
        #expect(formatMoney(1_000_000) == "0.01")
        #expect(formatMoney(123_456_789) == "1.23456789")
        #expect(formatMoney(0) == "0.00")
    }
}
