import FMCrypto
import FMTesting
import Testing

@Suite struct ExpandMessageXMDTests {
    /// RFC 9380 appendix K.1 (short DST) and the oversize-DST set (DST of 256 bytes, §5.3.3).
    @Test(arguments: ["expand_message_xmd_SHA256_38.json", "expand_message_xmd_SHA256_256.json"])
    func rfcVectors(file: String) throws {
        let root = try object(Fixtures.json(file))
        let domain = Array(try string(root["DST"]).utf8)
        let tests = try array(root["tests"])
        #expect(tests.count == 10)
        for case let test as JSONObject in tests {
            let message = Array(try string(test["msg"]).utf8)
            let length = try #require(Int(try string(test["len_in_bytes"]).dropFirst(2), radix: 16))
            let output = try ExpandMessageXMD.expand(message, domain: domain, length: length)
            #expect(hex(output) == (try string(test["uniform_bytes"])), "msg \(message.count) bytes, len \(length)")
        }
    }

    @Test func rejectsOutputsLongerThan255Blocks() throws {
        #expect(throws: HashToCurveError.outputTooLong(255 * 32 + 1)) {
            try ExpandMessageXMD.expand([], domain: Array("D".utf8), length: 255 * 32 + 1)
        }
        #expect(try ExpandMessageXMD.expand([], domain: Array("D".utf8), length: 255 * 32).count == 255 * 32)
    }
}
