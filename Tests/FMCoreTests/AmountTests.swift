import FMCore
import FMEncoding
import Testing

@Suite struct AmountTests {
    @Test func checkedArithmetic() throws {
        let max = Amount(msats: .max)
        #expect(throws: AmountError.overflow) { try max.adding(Amount(msats: 1)) }
        #expect(throws: AmountError.overflow) { try max.multiplied(by: 2) }
        #expect(throws: AmountError.insufficient(have: Amount(msats: 1), need: Amount(msats: 2))) {
            try Amount(msats: 1).subtracting(Amount(msats: 2))
        }
        #expect(try Amount.sum([Amount(msats: 1), Amount(msats: 2), Amount(msats: 3)]) == Amount(msats: 6))
        #expect(throws: AmountError.overflow) { try Amount.sum([max, Amount(msats: 1)]) }
        #expect(throws: AmountError.overflow) { try Amount.sats(UInt64.max / 999) }
    }

    @Test(arguments: [
        ("1500", UInt64(1500)), ("1500msat", 1500), ("2sat", 2000), ("0.5sat", 500), ("0.001btc", 100_000_000),
        ("1btc", 100_000_000_000), (" 7 ", 7), ("0.00000000001btc", 1), ("21000000btc", 2_100_000_000_000_000_000),
    ])
    func parses(text: String, msats: UInt64) throws {
        #expect(try Amount(parsing: text) == Amount(msats: msats))
    }

    @Test(arguments: ["", "abc", "-1", "1.5", "1.5msat", "0.0001sat", "1e3", "1.sat", ".5sat", "1,000", "sat"])
    func rejectsMalformed(text: String) {
        #expect(throws: AmountError.malformed(text)) { try Amount(parsing: text) }
    }

    @Test func rejectsOverflowingText() {
        #expect(throws: AmountError.overflow) { try Amount(parsing: "99999999999999999999") }
        #expect(throws: AmountError.overflow) { try Amount(parsing: "200000000btc") }
    }

    @Test func encodings() throws {
        let amount = Amount(msats: 300)
        #expect(amount.canonicalBytes == [0xac, 0x02])
        #expect(try Amount(canonicalBytes: [0xac, 0x02]) == amount)
        #expect(try JSONConventions.line(amount) == "300")
    }
}
