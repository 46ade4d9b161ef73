import FMCore
import FMEncoding

/// The canonical decoder's primitives, and the transaction and federation item built from them.
let encodingTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "canonical",
        run: { bytes in
            dispatch(bytes, [
                { checkCanonical(UInt64.self, $0) }, { checkCanonical(UInt32.self, $0) },
                { checkCanonical(UInt16.self, $0) }, { checkCanonical(UInt8.self, $0) },
                { checkCanonical(Bool.self, $0) }, { checkCanonical(String.self, $0) },
                { checkCanonical([UInt64].self, $0) }, { checkCanonical([String].self, $0) },
                { checkCanonical(UInt64?.self, $0) }, { checkCanonical([[UInt8]].self, $0) },
                { checkCanonical(Amount.self, $0) }, { checkCanonical(PeerID.self, $0) },
                { checkCanonical(Hash256.self, $0) }, checkVariant,
            ])
        },
        seeds: {
            [
                selected(0, UInt64.max.canonicalBytes), selected(0, UInt64(300).canonicalBytes),
                selected(1, UInt32.max.canonicalBytes), selected(2, UInt16(512).canonicalBytes),
                selected(3, [7]), selected(4, true.canonicalBytes), selected(5, "fm ✓".canonicalBytes),
                selected(6, [1, 1 << 40, UInt64.max].canonicalBytes), selected(7, ["a", "bc"].canonicalBytes),
                selected(8, UInt64?.some(9).canonicalBytes), selected(9, [[UInt8(1), 2], [], [3]].canonicalBytes),
                selected(10, Amount(msats: 1_000_000).canonicalBytes), selected(11, PeerID(3).canonicalBytes),
                selected(12, Hash256.sha256(Array("seed".utf8)).canonicalBytes),
                selected(13, { var e = CanonicalEncoder(); e.writeVariant(2) { $0.writeVarint(5) }; return e.bytes }()),
            ]
        }),
    FuzzTarget(
        name: "transaction",
        run: { bytes in
            checkCanonical(Transaction.self, bytes)
            // The txid is a pure function of the decoded transaction.
            if let transaction = try? Transaction(canonicalBytes: bytes) {
                require(transaction.txid == (try! Transaction(canonicalBytes: bytes)).txid, "txid not deterministic")
            }
        },
        seeds: { Samples.transactions.map { $0.canonicalBytes } }),
    FuzzTarget(
        name: "federation-item",
        run: { checkCanonical(FederationItem.self, $0) },
        seeds: {
            Samples.transactions.map { FederationItem.transaction($0).canonicalBytes }
                + Samples.moduleItems.map { FederationItem.module($0).canonicalBytes }
                + [FederationItem.versionAnnouncement(ConsensusVersionAnnouncement(
                    peer: PeerID(1), supported: try! SupportedConsensusVersions(["core": [1], "mint": [1, 2]]), nonce: 7)).canonicalBytes]
        }),
]

/// A variant (index + length-prefixed body) read and re-written must give back the same bytes.
private func checkVariant(_ bytes: [UInt8]) {
    var decoder = CanonicalDecoder(bytes)
    guard let (index, body) = try? decoder.readVariant() else { return }
    var reader = body
    let content = reader.readRemaining()
    var encoder = CanonicalEncoder()
    encoder.writeVariant(index) { $0.writeFixed(content) }
    encoder.writeFixed(decoder.readRemaining())
    require(encoder.bytes == bytes, "variant \(index): re-written bytes differ")
}
