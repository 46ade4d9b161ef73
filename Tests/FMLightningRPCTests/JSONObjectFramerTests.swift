import FMLightningRPC
import Testing

struct JSONObjectFramerTests {
    @Test func splitsObjectsAcrossReadsAndIgnoresBracesInStrings() throws {
        let stream = Array(#"{"a":"}{\"x"} {"b":[1,{"c":"]"}]}"#.utf8) + Array("\n\n".utf8)
        for chunk in 1...stream.count {
            var framer = JSONObjectFramer()
            var objects: [[UInt8]] = []
            for start in stride(from: 0, to: stream.count, by: chunk) {
                objects += try framer.append(stream[start..<min(start + chunk, stream.count)])
            }
            #expect(objects.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":"}{\"x"}"#, #"{"b":[1,{"c":"]"}]}"#])
        }
    }

    @Test func refusesGarbageAndOversizedObjects() throws {
        var framer = JSONObjectFramer()
        #expect(throws: JSONObjectFramer.FramingError.unexpectedByte(UInt8(ascii: "x"))) { try framer.append(Array("x{}".utf8)) }
        var small = JSONObjectFramer(maximumObjectSize: 16)
        #expect(throws: JSONObjectFramer.FramingError.objectTooLarge(limit: 16)) {
            try small.append(Array(#"{"aaaaaaaaaaaaaaaaaaaaaa"#.utf8))
        }
    }

    /// Found by the `cln-rpc` fuzz target: a `]` closed an object (one depth counter for both bracket kinds), so
    /// `{"a":{"b":1}]` was handed on as a frame although it is no JSON object. Brackets must match, also across reads.
    @Test func refusesMismatchedBrackets() throws {
        for stream in [#"{"a":{"b":1}]"#, #"{"a":[1}"#, #"{]"#] {
            var framer = JSONObjectFramer()
            #expect(throws: JSONObjectFramer.FramingError.self, "\(stream)") { try framer.append(Array(stream.utf8)) }
            var split = JSONObjectFramer()
            let bytes = Array(stream.utf8)
            #expect(throws: JSONObjectFramer.FramingError.self, "\(stream) in two reads") {
                _ = try split.append(bytes[..<2])
                _ = try split.append(bytes[2...])
            }
        }
        // Brackets inside strings still do not count, and nested kinds that match still frame.
        var framer = JSONObjectFramer()
        #expect(try framer.append(Array(#"{"a":"]}","b":[{"c":[]}]}"#.utf8)).count == 1)
    }
}
