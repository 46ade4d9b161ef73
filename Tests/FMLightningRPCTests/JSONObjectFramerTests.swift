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
}
