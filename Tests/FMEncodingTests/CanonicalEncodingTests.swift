import FMEncoding
import FMTesting
import Testing

/// A consensus-shaped value exercising every building block, for round trips and fuzzing.
struct Sample: CanonicalCodable, Equatable {
    enum Kind: Equatable {
        case plain(UInt64)
        case tagged(String, [UInt8])
        case unknown(index: UInt64, body: [UInt8])
    }
    var id: UInt64
    var flag: Bool
    var name: String
    var payload: [UInt8]
    var children: [UInt32]
    var note: UInt16?
    var kind: Kind

    func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(id)
        encoder.write(flag)
        encoder.write(name)
        encoder.writeBytes(payload)
        encoder.write(children)
        encoder.write(note)
        switch kind {
        case .plain(let v): encoder.writeVariant(0) { $0.write(v) }
        case .tagged(let s, let b): encoder.writeVariant(1) { $0.write(s); $0.writeBytes(b) }
        case .unknown(let index, let body): encoder.writeVariant(index) { $0.writeFixed(body) }
        }
    }

    init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        id = try decoder.read()
        flag = try decoder.read()
        name = try decoder.read()
        payload = try decoder.readBytes(maxLength: 1024)
        children = try decoder.readVector(maxCount: 64)
        note = try decoder.read()
        var (index, body) = try decoder.readVariant()
        switch index {
        case 0: kind = .plain(try body.read())
        case 1: kind = .tagged(try body.read(), try body.readBytes())
        default: kind = .unknown(index: index, body: body.readRemaining())
        }
        try body.finish()
    }

    init(random rng: inout SeededRandom) {
        id = rng.next() >> UInt64.random(in: 0...63, using: &rng)
        flag = Bool.random(using: &rng)
        name = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "aé✓z".randomElement(using: &rng)! })
        payload = rng.bytes(Int.random(in: 0...40, using: &rng))
        children = (0..<Int.random(in: 0...5, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
        note = Bool.random(using: &rng) ? UInt16.random(in: 0...UInt16.max, using: &rng) : nil
        switch Int.random(in: 0...2, using: &rng) {
        case 0: kind = .plain(rng.next())
        case 1: kind = .tagged("t", rng.bytes(3))
        default: kind = .unknown(index: UInt64.random(in: 2...1000, using: &rng), body: rng.bytes(5))
        }
    }
}

@Suite struct VarintTests {
    @Test(arguments: [
        (UInt64(0), "00"), (1, "01"), (127, "7f"), (128, "8001"), (300, "ac02"), (16383, "ff7f"), (16384, "808001"),
        (UInt64.max, "ffffffffffffffffff01"),
    ])
    func knownEncodings(value: UInt64, expectedHex: String) throws {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(value)
        #expect(hex(encoder.bytes) == expectedHex)
        #expect(try UInt64(canonicalBytes: bytes(hex: expectedHex)) == value)
    }

    @Test func rejectsNonMinimal() {
        for bad in ["8000", "ff00", "808000", "8180808000"] {
            #expect(throws: CanonicalDecodingError.nonMinimalVarint) { try UInt64(canonicalBytes: bytes(hex: bad)) }
        }
    }

    @Test func rejectsOverflow() {
        #expect(throws: CanonicalDecodingError.varintOverflow) {
            try UInt64(canonicalBytes: bytes(hex: "ffffffffffffffffff02"))
        }
        #expect(throws: CanonicalDecodingError.varintOverflow) {
            try UInt64(canonicalBytes: bytes(hex: "ffffffffffffffffff8001"))
        }
    }

    @Test func rejectsNarrowingOverflow() {
        #expect(throws: CanonicalDecodingError.integerOutOfRange(70000, type: "UInt16")) {
            try UInt16(canonicalBytes: UInt64(70000).canonicalBytes)
        }
    }

    @Test func rejectsTruncation() {
        #expect(throws: CanonicalDecodingError.unexpectedEnd) { try UInt64(canonicalBytes: [0x80]) }
        #expect(throws: CanonicalDecodingError.unexpectedEnd) { try UInt64(canonicalBytes: []) }
    }
}

@Suite struct StrictDecodingTests {
    @Test func rejectsTrailingBytes() {
        #expect(throws: CanonicalDecodingError.trailingBytes(1)) { try UInt64(canonicalBytes: [0x05, 0x00]) }
    }

    @Test func rejectsBadBooleans() {
        #expect(throws: CanonicalDecodingError.invalidValue("boolean byte 2, expected 0 or 1")) {
            try Bool(canonicalBytes: [2])
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: CanonicalDecodingError.invalidValue("string is not valid UTF-8")) {
            try String(canonicalBytes: [2, 0xc3, 0x28])
        }
    }

    @Test func lengthPrefixBeyondInputFailsWithoutAllocating() throws {
        var encoder = CanonicalEncoder()
        encoder.writeVarint(1 << 60)
        encoder.writeFixed([1, 2, 3])
        #expect(throws: CanonicalDecodingError.lengthExceedsInput(claimed: 1 << 60, remaining: 3)) {
            var decoder = CanonicalDecoder(encoder.bytes)
            _ = try decoder.readBytes()
        }
        #expect(throws: CanonicalDecodingError.lengthExceedsInput(claimed: 1 << 60, remaining: 3)) {
            try [UInt64](canonicalBytes: encoder.bytes)
        }
        #expect(throws: CanonicalDecodingError.lengthExceedsInput(claimed: 1 << 60, remaining: 3)) {
            try String(canonicalBytes: encoder.bytes)
        }
    }

    @Test func lengthLimitIsEnforced() {
        var encoder = CanonicalEncoder()
        encoder.writeBytes([UInt8](repeating: 7, count: 10))
        #expect(throws: CanonicalDecodingError.lengthExceedsLimit(claimed: 10, limit: 4)) {
            var decoder = CanonicalDecoder(encoder.bytes)
            _ = try decoder.readBytes(maxLength: 4)
        }
    }

    @Test func variantBodyMustBeConsumed() throws {
        var encoder = CanonicalEncoder()
        encoder.writeVariant(0) { $0.write(UInt64(5)); $0.write(UInt64(6)) }
        var decoder = CanonicalDecoder(encoder.bytes)
        var (index, body) = try decoder.readVariant()
        #expect(index == 0)
        #expect(try body.read(UInt64.self) == 5)
        #expect(throws: CanonicalDecodingError.trailingBytes(1)) { try body.finish() }
    }

    @Test func rawBytesAndByteVectorsShareOneEncoding() {
        var encoder = CanonicalEncoder()
        encoder.writeBytes([9, 8, 7])
        #expect(encoder.bytes == [UInt8]([9, 8, 7]).canonicalBytes)
    }
}

@Suite struct PropertyTests {
    @Test func roundTripsRandomValues() throws {
        var rng = SeededRandom(seed: 0x5eed_0001)
        for _ in 0..<5_000 {
            let value = Sample(random: &rng)
            let encoded = value.canonicalBytes
            #expect(try Sample(canonicalBytes: encoded) == value, "seed \(rng.seed)")
        }
    }

    /// Random and mutated inputs must produce a value or an error — never a
    /// crash, a hang or a huge allocation — and any value decoded must
    /// re-encode to exactly the input (one encoding per value).
    @Test func fuzzedInputsNeverCrashAndDecodedValuesAreCanonical() throws {
        var rng = SeededRandom(seed: 0xf022_0001)
        var decoded = 0
        for iteration in 0..<20_000 {
            var input: [UInt8]
            if iteration % 2 == 0 {
                input = rng.bytes(Int.random(in: 0...64, using: &rng))
            } else {
                input = Sample(random: &rng).canonicalBytes
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    switch Int.random(in: 0...3, using: &rng) {
                    case 0 where !input.isEmpty:
                        input[Int.random(in: 0..<input.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                    case 1 where !input.isEmpty: input.removeLast(Int.random(in: 1...input.count, using: &rng))
                    case 2: input.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...input.count, using: &rng))
                    default: input.append(contentsOf: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])
                    }
                }
            }
            for decode in decoders {
                if let reencoded = try? decode(input) {
                    decoded += 1
                    #expect(reencoded == input, "non-canonical accept, seed \(rng.seed) iteration \(iteration)")
                }
            }
        }
        #expect(decoded > 100, "the fuzzer should also hit valid encodings")
    }

    private var decoders: [([UInt8]) throws -> [UInt8]] {
        [
            { try Sample(canonicalBytes: $0).canonicalBytes },
            { try UInt64(canonicalBytes: $0).canonicalBytes },
            { try UInt16(canonicalBytes: $0).canonicalBytes },
            { try String(canonicalBytes: $0).canonicalBytes },
            { try [UInt32](canonicalBytes: $0).canonicalBytes },
            { try [String?](canonicalBytes: $0).canonicalBytes },
            { try Bool(canonicalBytes: $0).canonicalBytes },
        ]
    }
}
