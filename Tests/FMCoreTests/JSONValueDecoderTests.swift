import FMCore
import Foundation
import XCTest

/// ``JSONValueDecoder`` gives what JSONConventions' decoder gives for the value's JSON text, or nil (and then
/// ``JSONValue/decode(_:)`` goes through the text): never another value, never a value where JSONDecoder fails.
final class JSONValueDecoderTests: XCTestCase {
    private struct Config: Codable, Equatable {
        var maxTimelockDelta: UInt64
        var name: String?
        var peerIds: [Int]
        var labels: [String: Int]
        var byPeer: [Int: String]?
        var ratio: Double?
        var nested: Nested?
    }

    private struct Nested: Codable, Equatable {
        var aB: Bool
        var secp256k1Key: [UInt8]
        var value: JSONValue?
    }

    private struct Stamped: Codable, Equatable { var at: Date }

    private func viaText<T: Decodable>(_ type: T.Type, _ value: JSONValue) -> Result<T, any Error> {
        Result { try JSONConventions.decoder().decode(type, from: JSONConventions.encoder().encode(value)) }
    }

    /// Fast when `fast`; in every case the tree's answer is JSONDecoder's or none.
    private func check<T: Decodable & Equatable>(
        _ type: T.Type, _ value: JSONValue, fast: Bool, file: StaticString = #filePath, line: UInt = #line
    ) {
        let tree = JSONValueDecoder.decode(type, from: value)
        switch (tree, viaText(type, value)) {
        case (let decoded?, .success(let expected)): XCTAssertEqual(decoded, expected, file: file, line: line)
        case (let decoded?, .failure(let error)):
            XCTFail("decoded \(decoded) where JSONDecoder fails: \(error)", file: file, line: line)
        case (nil, _): XCTAssertFalse(fast, "not decoded from the tree", file: file, line: line)
        }
    }

    func testDecodesAsJSONDecoderDoes() {
        let config: [String: JSONValue] = [
            "max_timelock_delta": .unsigned(UInt64.max), "name": .string("é \"q\" \\ /"), "peer_ids": .array([.integer(0), .integer(-3)]),
            "labels": .object(["k": .integer(1), "Mixed": .integer(2)]), "by_peer": .object(["0": .string("a"), "12": .string("b")]),
            "ratio": .integer(-7),
            "nested": .object([
                "a_b": .bool(true), "secp256k1_key": .array([.integer(0), .integer(255)]),
                "value": .object(["snake_key": .array([.unsigned(5), .null, .bool(false), .string("x")])]),
            ]),
        ]
        check(Config.self, .object(config), fast: true)
        var optional = config
        optional["name"] = .null
        optional["by_peer"] = nil
        optional["nested"] = .null
        check(Config.self, .object(optional), fast: true)
        // A key without an inner underscore is not converted, so a camel-case key matches as it is.
        var camel = config
        camel["maxTimelockDelta"] = camel.removeValue(forKey: "max_timelock_delta")
        check(Config.self, .object(camel), fast: true)
        check(JSONValue.self, .object(config), fast: true)
        check([JSONValue].self, .array([.unsigned(3), .integer(-1), .unsigned(UInt64.max)]), fast: true)
        check(Int?.self, .null, fast: true)
        check([UInt8?].self, .array([.null, .integer(7)]), fast: true)

        // JSONDecoder fails on these: so must the tree (and then the text gives JSONDecoder's error).
        var failing: [(String, JSONValue)] = [
            ("max_timelock_delta", .integer(-1)), ("max_timelock_delta", .string("5")), ("peer_ids", .array([.bool(true)])),
            ("labels", .array([])), ("ratio", .string("1")), ("name", .integer(1)), ("by_peer", .object(["x": .string("a")])),
        ]
        failing.append(("nested", .object(["a_b": .integer(1), "secp256k1_key": .array([])])))
        failing.append(("nested", .object(["a_b": .bool(true), "secp256k1_key": .array([.integer(256)])])))
        for (key, value) in failing {
            var broken = config
            broken[key] = value
            check(Config.self, .object(broken), fast: false)
        }
        var missing = config
        missing["peer_ids"] = nil
        check(Config.self, .object(missing), fast: false)

        // Not reproduced, so left to JSONDecoder: a dictionary key the conversion changes, a fraction, a number
        // beyond 2^53 as a Double, a Date, keys the conversion is not reproduced for, and two keys that convert alike.
        var snakeLabel = config
        snakeLabel["labels"] = .object(["snake_label": .integer(1)])
        check(Config.self, .object(snakeLabel), fast: false)
        var fraction = config
        fraction["ratio"] = .double(0.5)
        check(Config.self, .object(fraction), fast: false)
        var huge = config
        huge["ratio"] = .integer(1 << 60)
        check(Config.self, .object(huge), fast: false)
        check(Stamped.self, .object(["at": .string("2026-12-07T06:00:00Z")]), fast: false)
        for key in ["_max_timelock_delta", "max_timelock_delta_", "Max_timelock_delta", "max_Timelock_delta"] {
            var odd = config
            odd[key] = odd.removeValue(forKey: "max_timelock_delta")
            check(Config.self, .object(odd), fast: false)
        }
        var twice = config
        twice["maxTimelockDelta"] = .integer(1)
        check(Config.self, .object(twice), fast: false)
        check(JSONValue.self, .array([.double(1.5)]), fast: false)
    }

    /// A whole `.double` (only a tree built by hand holds one) is read as an integer by JSONDecoder from its text
    /// (`2`, `-0`): the tree must not answer a type that catches the integer's miss differently (review 13).
    func testWholeDoubleAsIntegerIsLeftToJSONDecoder() {
        struct IntegerOrNone: Decodable, Equatable {
            var value: Int?
            init(from decoder: any Decoder) throws { value = try? decoder.singleValueContainer().decode(Int.self) }
        }
        for double in [2.0, -0.0, 2.5] { check(IntegerOrNone.self, .double(double), fast: false) }
        check(IntegerOrNone.self, .integer(2), fast: true)
    }

    /// The conversion, where reproduced, is JSONDecoder's (read back through a type that lists its keys).
    func testKeyConversionIsJSONDecoders() throws {
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct Keys: Decodable { var keys: [String]
            init(from decoder: any Decoder) throws { keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue) }
        }
        var reproduced = 0
        for key in [
            "a_b", "max_timelock_delta", "a__b", "ab2_cd", "secp256k1_key", "a_b_c_d", "plain", "camelCase", "x", "_",
            "a_b2", "x_2nd", "_a", "a_", "A_b", "é_b", "a_bC", "__",
        ] {
            let expected = try JSONConventions.decoder().decode(Keys.self, from: Data("{\"\(key)\": 1}".utf8)).keys
            guard let converted = JSONValueDecoder.camelCase(key) else { continue }
            reproduced += 1
            XCTAssertEqual([converted], expected, key)
        }
        XCTAssertEqual(reproduced, 9)
    }

    /// ``JSONValueParser`` reads what JSONDecoder reads as a ``JSONValue``, or nothing (JSONDecoder then reads it).
    func testParsesAsJSONDecoderDoes() {
        let parsed = [
            "{\"a_b\": [1, -2, 9223372036854775807, -9223372036854775808, 18446744073709551615, true, false, null]}",
            "  [ ]  ", "{}", "\"x\\n\\\"\\/\\b\\f\\r\\t\\\\ é\"", "\"cafe\u{0301}\"", "[[[{\"k\": {}}]]]", "\n7\t", "0",
        ]
        let left = [
            "\"\\u0041\"", "1.5", "2e3", "-0", "01", "18446744073709551616", "[1,]", "{\"a\":1,\"a\":2}", "{\"é\":1,\"e\u{0301}\":2}",
            "\"tab\there\"", "[1] x", "nul", "-", "", "\"open", String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
            "\u{FEFF}{}",
        ]
        for (texts, fast) in [(parsed, true), (left, false)] {
            for text in texts {
                let data = Data(text.utf8)
                let tree = JSONValueParser.parse(data)
                let expected = try? JSONDecoder().decode(JSONValue.self, from: data)
                if let tree { XCTAssertEqual(tree, expected, text) } else { XCTAssertFalse(fast, "not parsed: \(text)") }
                if !fast { XCTAssertNil(tree, text) }
            }
        }
        // Escapes anywhere in a long string (the parser once copied the text at each escape: seconds for 1 MiB).
        let escapes = "\"" + String(repeating: "\\n\\\"ab\\\\é\\t", count: 20_000) + "\\/\""
        XCTAssertEqual(JSONValueParser.parse(Data(escapes.utf8)), try? JSONDecoder().decode(JSONValue.self, from: Data(escapes.utf8)))
        XCTAssertEqual(JSONValueParser.parse(Data("\"\\n\"".utf8)), .string("\n"))
        var invalidUTF8 = Data("\"ab".utf8)
        invalidUTF8.append(contentsOf: [0xC3, 0x28, 0x22])
        XCTAssertNil(JSONValueParser.parse(invalidUTF8))
    }
}
