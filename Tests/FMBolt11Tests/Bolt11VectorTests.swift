import FMBitcoin
import FMBolt11
import FMSecp256k1
import FMTesting
import Foundation
import Testing

/// Every example of BOLT 11 (Tests/Vectors/bolt11_vectors.json, extracted at lightning/bolts a3772650).
struct Bolt11VectorTests {
    nonisolated(unsafe) static let file = try! Fixtures.json("bolt11_vectors.json") as! [String: Any]
    nonisolated(unsafe) static let valid = file["valid"] as! [[String: Any]]
    nonisolated(unsafe) static let invalid = file["invalid"] as! [[String: Any]]
    static let specKey = try! SecretKey(
        rawRepresentation: bytes(hex: "e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734"))

    static var currentRuleVectors: [[String: Any]] { valid.filter { $0["valid_under_current_rules"] as? Bool == true } }

    @Test(arguments: currentRuleVectors.map { $0["title"] as! String })
    func decodesValidExample(title: String) throws {
        let vector = Self.valid.first { $0["title"] as? String == title }!
        let decoded = try SignedInvoice(vector["invoice"] as! String)
        try Self.check(decoded, against: vector)
    }

    /// "Same, but including fields which must be ignored": the current reader rules (lightning/bolts PR #1243)
    /// fail a `p` field of data_length 51; the older rule (still shown by the example) skips it.
    @Test func fieldsWhichMustBeIgnored() throws {
        let vector = Self.valid.first { $0["spec_conflict"] != nil }!
        let invoice = vector["invoice"] as! String
        #expect(throws: Bolt11Error.invalidField(field: "p (payment_hash)", reason: "data_length 51, expected 52")) {
            try SignedInvoice(invoice)
        }
        let lenient = try SignedInvoice(invoice, options: .init(wrongLengthFields: .skip))
        try Self.check(lenient, against: vector)
        let ignored = vector["ignored_fields"] as! [[String: Any]]
        #expect(lenient.invoice.unknownFields.map { String($0.letter) } == ignored.map { $0["type"] as! String })
        #expect(lenient.invoice.unknownFields.map(\.data.count) == ignored.map { $0["data_length"] as! Int })
    }

    /// The high-S example keeps the recovery id of the low-S original. libsecp256k1's recovery (what Core
    /// Lightning uses) accepts high-S as it is and so recovers a key other than the spec's signer: fm does the same,
    /// and the vector file records that key.
    @Test func highSRecoveryFollowsLibsecp256k1() throws {
        let vector = Self.valid.first { $0["payee_pubkey_ambiguity"] != nil }!
        let decoded = try SignedInvoice(vector["invoice"] as! String)
        #expect(!decoded.signature.signature.isLowS)
        #expect(hex(decoded.payeeNodeKey.compressed) == vector["payee_pubkey"] as? String)
        #expect(hex(decoded.payeeNodeKey.compressed) != Self.file["expected_payee_pubkey"] as? String)
    }

    /// Re-signing the decoded content with the spec's key gives back the spec's string, byte for byte, for every
    /// example fm writes the same way (fields in the example's order are not reproduced, so compare decodes).
    @Test(arguments: currentRuleVectors.filter { $0["signature_is_high_s"] as? Bool == false }.map { $0["title"] as! String })
    func reencodesExample(title: String) throws {
        let vector = Self.valid.first { $0["title"] as? String == title }!
        let decoded = try SignedInvoice(vector["invoice"] as! String)
        let resigned = try decoded.invoice.signed(by: Self.specKey)
        let again = try SignedInvoice(resigned.string)
        #expect(again.invoice == decoded.invoice)
        #expect(again.payeeNodeKey == Self.specKey.publicKey)
    }

    static let expectedErrors: [String: Bolt11Error] = [
        "Same, but adding invalid unknown feature 100": .unsupportedFeatures("unknown compulsory feature bit(s) [100]"),
        "Bech32 checksum is invalid.": .wrongChecksum,
        "Malformed bech32 string (no 1)": .malformed("no separator '1'"),
        "Malformed bech32 string (mixed case)": .malformed("mixed upper and lower case"),
        "Missing required `s` field.": .missingField("s (payment_secret)"),
        "Non canonical signature (high-S) with 'n' field defined": .badSignature("high-S signature with an n field"),
        "String is too short.": .truncated(field: "data (timestamp and signature)"),
        "Invalid multiplier": .invalidAmount("unknown multiplier 'x' in '2500x' (expected m, u, n or p)"),
        "Invalid sub-millisatoshi precision.": .invalidAmount(
            "'2500000001p' is not a whole number of millisatoshi (p amounts must end in 0)"),
    ]

    @Test(arguments: invalid.map { $0["title"] as! String })
    func rejectsInvalidExample(title: String) throws {
        let vector = Self.invalid.first { $0["title"] as? String == title }!
        let invoice = vector["invoice"] as! String
        if title == "Signature is not recoverable." {
            let error = try #require(throws: Bolt11Error.self) { try SignedInvoice(invoice) }
            guard case .badSignature = error else { Issue.record("expected a signature error, got \(error)"); return }
        } else {
            let expected = try #require(Self.expectedErrors[title], "no expectation for \(title)")
            #expect(throws: expected) { try SignedInvoice(invoice) }
        }
    }

    static func check(_ decoded: SignedInvoice, against vector: [String: Any]) throws {
        let invoice = decoded.invoice
        #expect(invoice.network == network(vector["network"] as! String))
        #expect(invoice.amountMsat == (vector["amount_msat"] as? NSNumber).map { $0.uint64Value })
        #expect(invoice.timestamp == (vector["timestamp"] as! NSNumber).uint64Value)
        #expect(hex(invoice.paymentHash) == vector["payment_hash"] as? String)
        #expect(hex(invoice.paymentSecret) == vector["payment_secret"] as? String)
        #expect(invoice.description == vector["description"] as? String)
        #expect(invoice.descriptionHash.map(hex) == vector["description_hash"] as? String)
        if let preimage = vector["description_preimage"] as? String {
            #expect(invoice.descriptionHash == sha256(Array(preimage.utf8)))
        }
        #expect(invoice.expiry == (vector["expiry"] as? NSNumber).map { $0.uint64Value })
        #expect(invoice.expirySeconds == (vector["expiry"] as? NSNumber)?.uint64Value ?? 3600)
        #expect(invoice.minFinalCLTVExpiry == (vector["min_final_cltv_expiry_delta"] as? NSNumber)?.uint64Value ?? 18)
        #expect(invoice.metadata.map(hex) == vector["metadata"] as? String)
        let features = vector["features"] as! [String: Any]
        #expect(invoice.features.bits == features["bits_set"] as! [Int])
        let fallbacks = (vector["fallback_addresses"] as? [[String: Any]]) ?? []
        #expect(invoice.fallbackAddresses.map { Int($0.version) } == fallbacks.map { $0["version"] as! Int })
        #expect(invoice.fallbackAddresses.map { hex($0.program) } == fallbacks.map { $0["program_or_hash"] as! String })
        for (fallback, expected) in zip(invoice.fallbackAddresses, fallbacks) where fallback.version <= 16 {
            let address = try SegwitAddress(
                network: invoice.network.bitcoinNetwork, version: Int(fallback.version), program: fallback.program)
            #expect(address.string == expected["address"] as? String)
        }
        let routes = (vector["route_hints"] as? [[[String: Any]]]) ?? []
        #expect(invoice.routeHints.count == routes.count)
        for (route, expected) in zip(invoice.routeHints, routes) {
            #expect(route.map { hex($0.nodeID.compressed) } == expected.map { $0["pubkey"] as! String })
            #expect(route.map(\.shortChannelIDString) == expected.map { $0["short_channel_id"] as! String })
            #expect(route.map { Int($0.feeBaseMsat) } == expected.map { $0["fee_base_msat"] as! Int })
            #expect(route.map { Int($0.feeProportionalMillionths) } == expected.map { $0["fee_proportional_millionths"] as! Int })
            #expect(route.map { Int($0.cltvExpiryDelta) } == expected.map { $0["cltv_expiry_delta"] as! Int })
        }
        #expect(hex(decoded.signature.compactRepresentation) == vector["signature"] as? String)
        #expect(decoded.signature.recoveryID == vector["recovery_id"] as? Int)
        #expect(hex(decoded.signingHash) == vector["signing_hash"] as? String)
        #expect(hex(decoded.payeeNodeKey.compressed) == vector["payee_pubkey"] as? String)
        #expect(decoded.string == (vector["invoice"] as! String).lowercased())
    }

    static func network(_ name: String) -> Invoice.Network {
        switch name {
        case "bitcoin mainnet": .bitcoin
        case "bitcoin testnet": .testnet
        case "bitcoin signet": .signet
        default: .regtest
        }
    }
}
