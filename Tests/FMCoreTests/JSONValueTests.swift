import FMCore
import Foundation
import XCTest

final class JSONValueTests: XCTestCase {
    private func roundTrip(_ text: String) throws -> (JSONValue, JSONValue) {
        let first = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let second = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(first))
        return (first, second)
    }

    /// Fuzz finding (jsonrpc-request, session 6): a whole number written with a fraction decoded as `.double`,
    /// was encoded without one and read back as `.integer`.
    func testWholeNumbersWrittenWithAFractionReadBackTheSame() throws {
        for text in ["6922337203685775802.3372036854775808", "1.0", "-0.0", "2e3", "18446744073709551615.0", "1e30", "0.5"] {
            let (first, second) = try roundTrip(text)
            XCTAssertEqual(first, second, text)
        }
        XCTAssertEqual(try roundTrip("1.0").0, .integer(1))
        XCTAssertEqual(try roundTrip("0.5").0, .double(0.5))
        XCTAssertEqual(try roundTrip("1e30").0, .double(1e30))
    }

    /// Every JSON kind decodes to its own case, whatever order `init(from:)` tries them in.
    func testEachKindDecodesToItsCase() throws {
        let cases: [(String, JSONValue)] = [
            ("null", .null), ("true", .bool(true)), ("false", .bool(false)), ("0", .integer(0)), ("1", .integer(1)),
            ("-7", .integer(-7)), ("18446744073709551615", .unsigned(.max)), ("0.25", .double(0.25)),
            ("\"1\"", .string("1")), ("\"true\"", .string("true")), ("[]", .array([])), ("{}", .object([:])),
            ("[1, \"a\", null, {\"k\": [true]}]", .array([.integer(1), .string("a"), .null, .object(["k": .array([.bool(true)])])])),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), expected, text)
        }
    }
}
