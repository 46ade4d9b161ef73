import Crypto
import FMBitcoin
import FMSecp256k1

extension Invoice {
    /// Signs with the payee's node key and encodes: the writer's side of BOLT 11.
    /// - Throws: ``Bolt11Error`` naming the field that cannot be written (wrong hash length, an `n` field that is
    ///   not the signing key, a description longer than a field holds, ...).
    public func signed(by nodeKey: SecretKey) throws -> SignedInvoice {
        if let payeeNodeKey, payeeNodeKey != nodeKey.publicKey {
            throw Bolt11Error.invalidField(field: "n (payee node key)", reason: "is not the signing key")
        }
        let hrp = "ln" + network.currencyPrefix + (try amountMsat.map(HRPAmount.format) ?? "")
        let body = try dataGroups()
        let signingHash = try SignedInvoice.signingHash(hrp: hrp, body: body)
        let signature = try nodeKey.signRecoverable(messageHash: signingHash)
        let signatureGroups = FiveBit.groups(signature.compactRepresentation + [UInt8(signature.recoveryID)])
        let string = try Bech32.encode(
            hrp: hrp, data: body + signatureGroups, variant: .bech32, maxLength: SignedInvoice.maximumLength)
        return SignedInvoice(
            invoice: self, signature: signature, payeeNodeKey: nodeKey.publicKey, signingHash: signingHash,
            string: string)
    }

    /// Timestamp and tagged fields as 5-bit groups (the data part before the signature).
    func dataGroups() throws -> [UInt8] {
        guard timestamp < 1 << 35 else { throw Bolt11Error.invalidField(field: "timestamp", reason: "exceeds 35 bits") }
        guard (description == nil) != (descriptionHash == nil) else {
            throw Bolt11Error.invalidField(field: "d/h (description)", reason: "exactly one of d and h must be set")
        }
        guard features.supports(FeatureBits.paymentSecret) else {
            throw Bolt11Error.invalidField(field: "9 (features)", reason: "payment_secret (14/15) must be set with s")
        }
        var fields: [TaggedField] = []
        func add(_ type: UInt8, _ name: String, bytes: [UInt8], count: Int? = nil) throws {
            if let count, bytes.count != count {
                throw Bolt11Error.invalidField(field: name, reason: "\(bytes.count) bytes, expected \(count)")
            }
            fields.append(TaggedField(type: type, data: FiveBit.groups(bytes)))
        }
        try add(FieldType.paymentHash, "p (payment_hash)", bytes: paymentHash, count: 32)
        try add(FieldType.paymentSecret, "s (payment_secret)", bytes: paymentSecret, count: 32)
        if let description { try add(FieldType.description, "d (description)", bytes: Array(description.utf8)) }
        if let descriptionHash {
            try add(FieldType.descriptionHash, "h (description_hash)", bytes: descriptionHash, count: 32)
        }
        if let payeeNodeKey { try add(FieldType.payeeNodeKey, "n (payee node key)", bytes: payeeNodeKey.compressed) }
        if let expiry { fields.append(TaggedField(type: FieldType.expiry, data: FiveBit.groups(of: expiry))) }
        if let minFinalCLTVExpiryDelta {
            fields.append(TaggedField(type: FieldType.minFinalCLTVExpiry, data: FiveBit.groups(of: minFinalCLTVExpiryDelta)))
        }
        for fallback in fallbackAddresses {
            guard fallback.isWellFormed else {
                throw Bolt11Error.invalidField(
                    field: "f (fallback address)",
                    reason: "version \(fallback.version) with a \(fallback.program.count)-byte program")
            }
            fields.append(TaggedField(type: FieldType.fallbackAddress, data: [fallback.version] + FiveBit.groups(fallback.program)))
        }
        for route in routeHints {
            guard !route.isEmpty else { throw Bolt11Error.invalidField(field: "r (route hint)", reason: "no hops") }
            try add(FieldType.routeHint, "r (route hint)", bytes: route.flatMap(\.bytes))
        }
        if !features.bits.isEmpty { fields.append(TaggedField(type: FieldType.features, data: features.groups)) }
        if let metadata { try add(FieldType.metadata, "m (metadata)", bytes: metadata) }
        fields += unknownFields

        var groups = FiveBit.groups(of: timestamp, count: 7)
        for field in fields {
            guard field.type < 32, field.data.allSatisfy({ $0 < 32 }) else {
                throw Bolt11Error.invalidField(field: "\(field.type)", reason: "values must be 5-bit")
            }
            guard field.data.count < 1024 else {
                throw Bolt11Error.invalidField(
                    field: String(field.letter), reason: "\(field.data.count) groups, at most 1023 fit a field")
            }
            groups += [field.type, UInt8(field.data.count / 32), UInt8(field.data.count % 32)] + field.data
        }
        return groups
    }
}

extension Invoice.RouteHintHop {
    var bytes: [UInt8] {
        func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
            (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        }
        return nodeID.compressed + bigEndian(shortChannelID, 8) + bigEndian(UInt64(feeBaseMsat), 4)
            + bigEndian(UInt64(feeProportionalMillionths), 4) + bigEndian(UInt64(cltvExpiryDelta), 2)
    }
}
