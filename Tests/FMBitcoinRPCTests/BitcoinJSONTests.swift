import FMBitcoin
import FMCore
import Testing

@testable import FMBitcoinRPC

@Suite struct BitcoinJSONTests {
    @Test func numbersKeepTheirExactText() throws {
        let json = try BitcoinJSON(parsing: #"{"result":{"feerate":0.00001000,"blocks":2,"big":20999999.99999999},"error":null,"id":7}"#)
        #expect(json["result"]?["feerate"] == .number("0.00001000"))
        #expect(json["result"]?["feerate"]?.satoshis == 1000)
        #expect(json["result"]?["big"]?.satoshis == 2_099_999_999_999_999)
        #expect(json["result"]?["blocks"]?.intValue == 2)
        #expect(json["error"]?.isNull == true)
        #expect(json["id"]?.intValue == 7)
    }

    @Test(arguments: [
        ("1", UInt64(100_000_000)), ("0.1", 10_000_000), ("1e-05", 1000), ("1.5E+2", 15_000_000_000), ("0.00000001", 1),
        ("-0", 0), ("50.00000000", 5_000_000_000), ("0.000000010", 1), ("21000000", 2_100_000_000_000_000),
    ])
    func amountsConvertExactly(text: String, sats: UInt64) {
        #expect(BitcoinJSON.number(text).satoshis == sats)
    }

    @Test(arguments: ["0.000000001", "-1", "21000000.00000001", "1e100", "abc"])
    func impreciseOrOutOfRangeAmountsAreRefused(text: String) {
        #expect(BitcoinJSON.number(text).satoshis == nil)
    }

    @Test func stringsRoundTripWithEscapes() throws {
        let original = BitcoinJSON.array([.string("a\"b\\c\n\u{01}é😀"), .null, .bool(true), .object(["k": .number("-1.5e3")])])
        let parsed = try BitcoinJSON(parsing: original.serialized)
        #expect(parsed == original)
        #expect(try BitcoinJSON(parsing: #""\ud83d\ude00 \u00e9""#) == .string("😀 é"))
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "\"abc", "{\"a\" 1}", "nul", "[1] x", "\"\u{01}\""])
    func malformedDocumentsAreRejected(text: String) {
        #expect(throws: BitcoinJSONParseError.self) { try BitcoinJSON(parsing: text) }
    }

    @Test func serializationIsDeterministic() {
        let value = BitcoinJSON.object(["method": .string("sendtoaddress"), "params": .array([.btc(satoshis: 150_000_000)])])
        #expect(value.serialized == #"{"method":"sendtoaddress","params":[1.50000000]}"#)
    }

    @Test func configPicksExactlyOneAuthentication() throws {
        let cookie = BitcoinRPCConfig(url: "http://127.0.0.1:18443", auth: .cookieFile("/tmp/.cookie"))
        #expect(try cookie.auth() == .cookieFile("/tmp/.cookie"))
        var both = cookie
        both.user = "u"
        both.password = "p"
        #expect(throws: BitcoinRPCError.self) { try both.auth() }
        #expect(throws: BitcoinRPCError.self) { try BitcoinCoreRPCClient(url: "https://x:1", auth: .cookieFile("/c")) }
    }

    @Test func errorCodesHaveBitcoinCoreNames() {
        #expect(BitcoinRPCErrorCode(-26) == .verifyRejected)
        #expect("\(BitcoinRPCErrorCode.verifyAlreadyInChain)" == "-27 (already in chain)")
        let error = BitcoinRPCError.rpc(code: .invalidParameter, message: "Block height out of range")
        #expect(error.category == .failed)
        #expect(error.rpcCode == .invalidParameter)
    }
}
