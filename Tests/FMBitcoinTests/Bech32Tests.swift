import FMBitcoin
import FMTesting
import Testing

struct Bech32Tests {
    static func load(_ name: String) throws -> [String: Any] { try Fixtures.json(name) as! [String: Any] }

    /// The exact string of an entry, using "hex" where the fixture gives raw bytes.
    static func text(_ entry: [String: Any], _ key: String = "string") -> String {
        if let raw = entry["hex"] as? String { return String(decoding: bytes(hex: raw), as: UTF8.self) }
        return entry[key] as! String
    }

    @Test(arguments: [("bech32_bip173.json", "valid_bech32", Bech32.Variant.bech32), ("bech32m_bip350.json", "valid_bech32m", .bech32m)])
    func validStringsDecodeAndReencode(file: String, key: String, variant: Bech32.Variant) throws {
        let entries = try #require(try Self.load(file)[key] as? [[String: Any]])
        #expect(entries.count == 7)
        for entry in entries {
            let string = Self.text(entry)
            let decoded = try Bech32.decode(string)
            #expect(decoded.variant == variant, "\(string)")
            #expect(decoded.hrp == (entry["hrp"] as! String).lowercased())
            #expect(Hex.encode(decoded.data) == entry["data_5bit_hex"] as! String)
            #expect(try Bech32.encode(hrp: decoded.hrp, data: decoded.data, variant: variant) == string.lowercased())
            // One flipped character breaks the checksum.
            var chars = Array(string.lowercased())
            let last = chars.count - 1
            chars[last] = chars[last] == "q" ? "p" : "q"
            #expect(throws: BitcoinError.self) { try Bech32.decode(String(chars)) }
        }
    }

    @Test(arguments: [("bech32_bip173.json", "invalid_bech32", Bech32.Variant.bech32), ("bech32m_bip350.json", "invalid_bech32m", .bech32m)])
    func invalidStringsAreRejected(file: String, key: String, variant: Bech32.Variant) throws {
        let entries = try #require(try Self.load(file)[key] as? [[String: Any]])
        #expect(entries.count >= 12)
        for entry in entries {
            let string = Self.text(entry)
            // Either the string is malformed, or it carries the other variant's checksum.
            if let decoded = try? Bech32.decode(string) {
                Issue.record("\(entry["reason"]!): \(string) decoded as \(decoded.variant)")
            }
            _ = variant
        }
    }

    @Test(arguments: ["bech32_bip173.json", "bech32m_bip350.json"])
    func segwitAddresses(file: String) throws {
        let root = try Self.load(file)
        let valid = try #require(root["valid_segwit_addresses"] as? [[String: Any]])
        var rejectedAsSuperseded = 0
        for entry in valid {
            let string = entry["address"] as! String
            let hrp = entry["hrp"] as! String
            if entry["valid_under_bip350"] as? Bool == false {
                // BIP-173 listed these; BIP-350 made v1+ with a bech32 checksum invalid.
                #expect(throws: BitcoinError.self) { try SegwitAddress(string, expectedHRP: hrp) }
                rejectedAsSuperseded += 1
                continue
            }
            let address = try SegwitAddress(string, expectedHRP: hrp)
            #expect(address.version == entry["witness_version"] as! Int)
            #expect(Hex.encode(address.program) == entry["witness_program"] as! String)
            #expect(address.scriptPubKey.hex == entry["scriptPubKey"] as! String)
            #expect(address.string == string.lowercased())
            #expect(try SegwitAddress(scriptPubKey: address.scriptPubKey, network: hrp == "bc" ? .mainnet : .testnet) == address)
        }
        if file == "bech32_bip173.json" { #expect(rejectedAsSuperseded == 3) }
        let invalid = try #require(root["invalid_segwit_addresses"] as? [[String: Any]])
        for entry in invalid {
            let string = entry["address"] as! String
            for hrp in ["bc", "tb"] {
                #expect(throws: BitcoinError.self, "\(entry["reason"]!): \(string)") { try SegwitAddress(string, expectedHRP: hrp) }
            }
        }
    }

    @Test func networkPrefixes() throws {
        let program = [UInt8](repeating: 7, count: 20)
        for (network, prefix) in [(Network.mainnet, "bc1q"), (.testnet, "tb1q"), (.signet, "tb1q"), (.regtest, "bcrt1q")] {
            let address = try SegwitAddress(network: network, version: 0, program: program)
            #expect(address.string.hasPrefix(prefix))
            #expect(try SegwitAddress(address.string, network: network) == address)
        }
        let regtest = try SegwitAddress(network: .regtest, version: 0, program: program).string
        #expect(throws: BitcoinError.self) { try SegwitAddress(regtest, network: .mainnet) }
    }
}
