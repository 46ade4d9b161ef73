import Crypto
import FMBitcoin
import FMSecp256k1

extension SignedInvoice {
    /// Decodes and checks a BOLT 11 invoice: checksum, network, amount, every known tagged field, the
    /// signature (against `n` when present, otherwise by public-key recovery) and the feature bits.
    /// - Throws: ``Bolt11Error`` naming the part at fault.
    public init(_ text: String, options: DecodingOptions = DecodingOptions()) throws {
        let trimmed = text.hasPrefix("lightning:") || text.hasPrefix("LIGHTNING:") ? String(text.dropFirst(10)) : text
        let (hrp, data) = try Self.bech32(trimmed)
        let (network, amount) = try Self.parseHRP(hrp)

        let signatureGroups = 104
        guard data.count >= 7 + signatureGroups else { throw Bolt11Error.truncated(field: "data (timestamp and signature)") }
        let body = Array(data[..<(data.count - signatureGroups)])
        guard let timestamp = FiveBit.integer(body[0..<7]) else { throw Bolt11Error.truncated(field: "timestamp") }

        var fields = FieldReader(rule: options.wrongLengthFields)
        var index = 7
        while index < body.count {
            guard body.count - index >= 3 else { throw Bolt11Error.truncated(field: "tagged field header") }
            let type = body[index]
            let length = Int(body[index + 1]) * 32 + Int(body[index + 2])
            index += 3
            let field = Invoice.TaggedField(type: type, data: [])
            guard body.count - index >= length else { throw Bolt11Error.truncated(field: "field \(field.letter)") }
            try fields.read(type: type, data: body[index..<(index + length)])
            index += length
        }

        guard let paymentHash = fields.paymentHash else { throw Bolt11Error.missingField("p (payment_hash)") }
        guard let paymentSecret = fields.paymentSecret else { throw Bolt11Error.missingField("s (payment_secret)") }
        guard fields.description != nil || fields.descriptionHash != nil else {
            throw Bolt11Error.missingField("d or h (description)")
        }
        let invoice = Invoice(
            network: network, amountMsat: amount, timestamp: timestamp, paymentHash: paymentHash,
            paymentSecret: paymentSecret, description: fields.description, descriptionHash: fields.descriptionHash,
            payeeNodeKey: fields.payeeNodeKey, expiry: fields.expiry, minFinalCLTVExpiryDelta: fields.minFinalCLTV,
            fallbackAddresses: fields.fallbacks, routeHints: fields.routes, features: fields.features ?? FeatureBits(),
            metadata: fields.metadata, unknownFields: fields.unknown)
        if options.checkFeatures { try invoice.features.validateForPayment() }

        let signingHash = try Self.signingHash(hrp: hrp, body: body)
        let signatureBytes = FiveBit.bytes(data[(data.count - signatureGroups)...])
        let signature: RecoverableSignature
        do {
            signature = try RecoverableSignature(
                compactRepresentation: signatureBytes[0..<64], recoveryID: Int(signatureBytes[64]))
        } catch {
            throw Bolt11Error.badSignature("not a recoverable signature (\(error))")
        }
        let payee: PublicKey
        if let explicit = invoice.payeeNodeKey {
            // BOLT 11: with a valid n field, verify instead of recovering; libsecp256k1 verification (and BOLT 11)
            // requires low-S here.
            guard signature.signature.isLowS else { throw Bolt11Error.badSignature("high-S signature with an n field") }
            guard explicit.isValidECDSASignature(signature.signature, for: signingHash) else {
                throw Bolt11Error.badSignature("does not verify against the n field's key")
            }
            payee = explicit
        } else {
            // libsecp256k1's recovery accepts high-S signatures as they are (see docs/lightning-rpc.md).
            do { payee = try signature.recoverPublicKey(messageHash: signingHash) } catch {
                throw Bolt11Error.badSignature("no public key recoverable")
            }
        }
        self.init(
            invoice: invoice, signature: signature, payeeNodeKey: payee, signingHash: signingHash,
            string: trimmed.lowercased())
    }

    static func bech32(_ text: String) throws -> (hrp: String, data: [UInt8]) {
        do {
            let decoded = try Bech32.decode(text, maxLength: maximumLength)
            guard decoded.variant == .bech32 else { throw Bolt11Error.wrongChecksum }
            return (decoded.hrp, decoded.data)
        } catch BitcoinError.invalidBech32(let why) {
            throw why == "checksum mismatch" ? Bolt11Error.wrongChecksum : Bolt11Error.malformed(why)
        }
    }

    /// `ln` + currency prefix + optional amount.
    static func parseHRP(_ hrp: String) throws -> (Invoice.Network, UInt64?) {
        guard hrp.hasPrefix("ln") else { throw Bolt11Error.unknownNetwork(hrp) }
        let rest = hrp.dropFirst(2)
        let currency = rest.prefix { $0.isASCII && $0.isLetter }
        guard let network = Invoice.Network(currencyPrefix: String(currency)) else {
            throw Bolt11Error.unknownNetwork("ln" + currency)
        }
        let amountText = rest.dropFirst(currency.count)
        return (network, amountText.isEmpty ? nil : try HRPAmount.parse(amountText))
    }

    /// SHA-256(hrp bytes ‖ data groups regrouped into bytes, zero-padded).
    static func signingHash(hrp: String, body: [UInt8]) throws -> [UInt8] {
        let bytes = Array(hrp.utf8) + (try Bech32.convertBits(body, from: 5, to: 8, pad: true))
        return Array(SHA256.hash(data: bytes))
    }
}

/// Reads tagged fields into their typed values; the first valid field of each kind wins (BOLT 11: "use the first
/// p field that it did NOT skip"), later duplicates and unknown fields are kept raw. Lengths are checked on every
/// p/h/s/n field, duplicates included.
private struct FieldReader {
    let rule: SignedInvoice.WrongLengthRule
    var paymentHash: [UInt8]?
    var paymentSecret: [UInt8]?
    var description: String?
    var descriptionHash: [UInt8]?
    var payeeNodeKey: PublicKey?
    var expiry: UInt64?
    var minFinalCLTV: UInt64?
    var fallbacks: [Invoice.FallbackAddress] = []
    var routes: [[Invoice.RouteHintHop]] = []
    var features: FeatureBits?
    var metadata: [UInt8]?
    var unknown: [Invoice.TaggedField] = []

    init(rule: SignedInvoice.WrongLengthRule) { self.rule = rule }

    mutating func read(type: UInt8, data: ArraySlice<UInt8>) throws {
        let raw = Invoice.TaggedField(type: type, data: Array(data))
        switch type {
        case FieldType.paymentHash:
            guard let bytes = try fixed(data, 52, "p (payment_hash)"), paymentHash == nil else { return keep(raw) }
            paymentHash = bytes
        case FieldType.paymentSecret:
            guard let bytes = try fixed(data, 52, "s (payment_secret)"), paymentSecret == nil else { return keep(raw) }
            paymentSecret = bytes
        case FieldType.descriptionHash:
            guard let bytes = try fixed(data, 52, "h (description_hash)"), descriptionHash == nil else {
                return keep(raw)
            }
            descriptionHash = bytes
        case FieldType.payeeNodeKey:
            guard let bytes = try fixed(data, 53, "n (payee node key)"), payeeNodeKey == nil else { return keep(raw) }
            guard let key = try? PublicKey(serialized: bytes), bytes.count == 33 else {
                throw Bolt11Error.invalidField(field: "n (payee node key)", reason: "not a compressed public key")
            }
            payeeNodeKey = key
        case FieldType.description:
            guard description == nil else { return keep(raw) }
            guard let text = String(validating: FiveBit.bytes(data), as: UTF8.self) else {
                throw Bolt11Error.invalidField(field: "d (description)", reason: "not valid UTF-8")
            }
            description = text
        case FieldType.expiry:
            guard expiry == nil else { return keep(raw) }
            expiry = try integer(data, "x (expiry)")
        case FieldType.minFinalCLTVExpiry:
            guard minFinalCLTV == nil else { return keep(raw) }
            minFinalCLTV = try integer(data, "c (min_final_cltv_expiry)")
        case FieldType.fallbackAddress:
            guard let version = data.first, version <= Invoice.FallbackAddress.p2shVersion else { return keep(raw) }
            let fallback = Invoice.FallbackAddress(version: version, program: FiveBit.bytes(data.dropFirst()))
            guard fallback.isWellFormed else {
                throw Bolt11Error.invalidField(
                    field: "f (fallback address)",
                    reason: "version \(version) with a \(fallback.program.count)-byte program")
            }
            fallbacks.append(fallback)
        case FieldType.routeHint:
            routes.append(try Self.route(FiveBit.bytes(data)))
        case FieldType.features:
            guard features == nil else { return keep(raw) }
            features = FeatureBits(groups: data)
        case FieldType.metadata:
            guard metadata == nil else { return keep(raw) }
            metadata = FiveBit.bytes(data)
        default:
            keep(raw)
        }
    }

    private mutating func keep(_ field: Invoice.TaggedField) { unknown.append(field) }

    /// The bytes of a fixed-length field, or nil to skip it (under the pre-2025 rule).
    private func fixed(_ data: ArraySlice<UInt8>, _ groups: Int, _ name: String) throws -> [UInt8]? {
        guard data.count == groups else {
            if rule == .skip { return nil }
            throw Bolt11Error.invalidField(field: name, reason: "data_length \(data.count), expected \(groups)")
        }
        return FiveBit.bytes(data)
    }

    private func integer(_ data: ArraySlice<UInt8>, _ name: String) throws -> UInt64 {
        guard let value = FiveBit.integer(data) else {
            throw Bolt11Error.invalidField(field: name, reason: "does not fit 64 bits")
        }
        return value
    }

    private static func route(_ bytes: [UInt8]) throws -> [Invoice.RouteHintHop] {
        let size = Invoice.RouteHintHop.byteCount
        guard !bytes.isEmpty, bytes.count % size == 0 else {
            throw Bolt11Error.invalidField(
                field: "r (route hint)", reason: "\(bytes.count) bytes is not a positive multiple of \(size)")
        }
        return try stride(from: 0, to: bytes.count, by: size).map { start in
            let hop = bytes[start..<(start + size)]
            guard let node = try? PublicKey(serialized: hop.prefix(33)) else {
                throw Bolt11Error.invalidField(field: "r (route hint)", reason: "hop node id is not a public key")
            }
            func bigEndian(_ range: Range<Int>) -> UInt64 {
                hop.dropFirst(range.lowerBound).prefix(range.count).reduce(0) { $0 << 8 | UInt64($1) }
            }
            return Invoice.RouteHintHop(
                nodeID: node, shortChannelID: bigEndian(33..<41), feeBaseMsat: UInt32(bigEndian(41..<45)),
                feeProportionalMillionths: UInt32(bigEndian(45..<49)), cltvExpiryDelta: UInt16(bigEndian(49..<51)))
        }
    }
}
