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
}
