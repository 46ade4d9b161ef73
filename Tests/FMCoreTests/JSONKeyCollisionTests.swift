import FMCore
import Foundation
import Testing

/// Review 13: `{"api_url": "a", "apiUrl": "b"}` decoded as "a" through JSONDecoder (first in the text) and as "b"
/// through a JSONValue tree (re-encoded with sorted keys). Such documents are now refused on every path.
struct JSONKeyCollisionTests {
    struct Endpoint: Codable, Equatable {
        var apiUrl: String
    }

    struct Wrapper: Codable, Equatable {
        var peers: [Endpoint]
    }

    /// The key names JSONDecoder's `.convertFromSnakeCase` gives, read back from a keyed container's `allKeys`.
    struct ConvertedKeys: Decodable {
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var keys: [String]
        init(from decoder: any Decoder) throws {
            keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        }
    }

    @Test("the conversion is JSONDecoder's, key by key",
          arguments: ["api_url", "API_URL", "apiUrl", "_a_b_", "__a__b__", "a__b", "a", "_", "__", "x_1y", "max_timelock_delta",
                      "sTrAnGe_cAsE_kEy", "ß_ß", "é_tat", "a_b_c_d", "1_2", "a b_c d"])
    func conversionMatchesJSONDecoder(key: String) throws {
        let text = try JSONSerialization.data(withJSONObject: [key: 1])
        let converted = try JSONConventions.decoder().decode(ConvertedKeys.self, from: text).keys
        #expect(converted == [JSONConventions.convertedFromSnakeCase(key)])
    }

    @Test("two keys naming one field are refused by every path, in either order, nested or not, escaped or not",
          arguments: [
            #"{"api_url":"a","apiUrl":"b"}"#,
            #"{"apiUrl":"b","api_url":"a"}"#,
            #"{"API_URL":"a","api_url":"b"}"#,
            #"{"api\u005furl":"a","apiUrl":"b"}"#,  // an escape: the slow path (JSONDecoder's tree)
            #"{"api_url":"a","apiUrl":"b","ratio":1.5}"#,  // a fraction: the slow path too
          ])
    func collidingKeysAreRefused(text: String) throws {
        let data = Data(text.utf8)
        #expect(throws: InvalidInput.self) { try JSONConventions.decode(Endpoint.self, from: data, what: "endpoint") }
        #expect(throws: DecodingError.self) { try JSONConventions.strictDecode(Endpoint.self, from: data) }
        let tree = try JSONConventions.decoder().decode(JSONValue.self, from: data)
        #expect(throws: DecodingError.self) { try tree.decode(Endpoint.self) }
        // A dictionary's keys are not converted, but such an object is refused all the same: fm never writes one.
        #expect(throws: DecodingError.self) { try JSONConventions.strictDecode([String: JSONValue].self, from: data) }
    }

    @Test func theErrorNamesTheObjectAndBothKeys() throws {
        let data = Data(#"{"peers":[{"api_url":"a"},{"api_url":"a","apiUrl":"b"}]}"#.utf8)
        do {
            _ = try JSONConventions.decode(Wrapper.self, from: data, what: "config")
            Issue.record("decoded")
        } catch {
            #expect(error.field == "peers.1")
            #expect(error.expected.contains("\"apiUrl\" and \"api_url\""), "\(error.expected)")
        }
    }

    @Test func keysThatDoNotCollideStillDecode() throws {
        let data = Data(#"{"peers":[{"api_url":"a","api_key":"k","_api_url":"x"},{"api_url":"b"}]}"#.utf8)
        let expected = Wrapper(peers: [Endpoint(apiUrl: "a"), Endpoint(apiUrl: "b")])
        #expect(try JSONConventions.decode(Wrapper.self, from: data, what: "config") == expected)
        #expect(try JSONConventions.decoder().decode(JSONValue.self, from: data).decode(Wrapper.self) == expected)
    }
}
