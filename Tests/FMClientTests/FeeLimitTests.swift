import FMCore
import FMMintClient
import Testing

@Suite struct FeeLimitTests {
    @Test func parsesAmountsAndShares() throws {
        #expect(try FeeLimit(parsing: "250") == .amount(Amount(msats: 250)))
        #expect(try FeeLimit(parsing: "2sat") == .amount(Amount(msats: 2000)))
        #expect(try FeeLimit(parsing: "1%") == .basisPoints(100))
        #expect(try FeeLimit(parsing: "0.25%") == .basisPoints(25))
        #expect(try FeeLimit(parsing: "0.5%") == .basisPoints(50))
        #expect(try FeeLimit(parsing: "100%") == .basisPoints(10_000))
        for bad in ["", "%", "101%", "1.234%", "-1%", "1e3%", "x", ".5%", "1.%", "99999999999999999999%", "１%"] {
            #expect(throws: InvalidInput.self, "\(bad)") { try FeeLimit(parsing: bad) }
        }
    }

    @Test func sharesRoundDownAndNeverOverflow() {
        #expect(FeeLimit.basisPoints(100).limit(on: Amount(msats: 150)) == Amount(msats: 1))
        #expect(FeeLimit.basisPoints(25).limit(on: Amount(msats: 10_000)) == Amount(msats: 25))
        #expect(FeeLimit.basisPoints(10_000).limit(on: Amount(msats: .max)) == Amount(msats: .max))
        #expect(FeeLimit.basisPoints(9_999).limit(on: Amount(msats: .max)) == Amount(msats: 18444899399302180659))  // ⌊(2^64 − 1) · 9999 / 10000⌋
        #expect(FeeLimit.basisPoints(25).description == "0.25%" && FeeLimit.basisPoints(150).description == "1.50%")
    }
}
