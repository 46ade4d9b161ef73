import FMCore
import FMEncoding
import FMSecp256k1
import Testing

@Suite struct TransactionModelTests {
    func sample() -> Transaction {
        Transaction(
            inputs: [ModuleItem(module: ModuleInstanceID(0), payload: [1, 2, 3])],
            outputs: [ModuleItem(module: ModuleInstanceID(0), payload: [4]), ModuleItem(module: ModuleInstanceID(1), payload: [])],
            nonce: TransactionNonce(bytes: [0, 1, 2, 3, 4, 5, 6, 7])!)
    }

    @Test func txidCoversItemsAndNonceButNotSignatures() throws {
        var tx = sample()
        let txid = tx.txid
        let key = Keypair()
        tx.signatures = [key.signSchnorr(message: txid.hash.bytes)]
        #expect(tx.txid == txid)
        #expect(key.xOnlyPublicKey.isValidSchnorrSignature(tx.signatures[0], for: txid.hash.bytes))
        var other = tx
        other.nonce = TransactionNonce(bytes: [9, 1, 2, 3, 4, 5, 6, 7])!
        #expect(other.txid != txid)
        // Pinned so that any change to the encoding is a deliberate, visible one.
        #expect(txid.description == Hash256.sha256([1, 0, 3, 1, 2, 3, 2, 0, 1, 4, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7]).hex)
    }

    @Test func roundTripsAndRejectsBadSignatureCounts() throws {
        var tx = sample()
        tx.signatures = [Keypair().signSchnorr(message: tx.txid.hash.bytes)]
        #expect(try Transaction(canonicalBytes: tx.canonicalBytes) == tx)
        var bytes = sample().canonicalBytes
        bytes[bytes.count - 1] = 200  // claims 200 signatures with no bytes behind them
        #expect(throws: CanonicalDecodingError.self) { try Transaction(canonicalBytes: bytes) }
    }

    @Test func inviteCodeRoundTripAndRejection() throws {
        let code = InviteCode(
            federationId: FederationID(Hash256.sha256([7])), peer: PeerID(2), apiUrl: "ws://127.0.0.1:8174")
        let text = code.description
        #expect(text.hasPrefix("fed1"))
        #expect(try InviteCode(parsing: text) == code)
        #expect(try InviteCode(parsing: text.uppercased()) == code)
        var corrupted = Array(text)
        corrupted[10] = corrupted[10] == "q" ? "p" : "q"
        #expect(throws: InvalidInput.self) { try InviteCode(parsing: String(corrupted)) }
        #expect(throws: InvalidInput.self) { try InviteCode(parsing: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") }
    }

    @Test func jsonValueRoundTrip() throws {
        struct Config: Codable, Equatable { var denominationCount: Int; var fee: Amount }
        let value = try JSONValue(Config(denominationCount: 3, fee: Amount(msats: 100)))
        #expect(value == .object(["denomination_count": .integer(3), "fee": .integer(100)]))
        #expect(try value.decode(Config.self) == Config(denominationCount: 3, fee: Amount(msats: 100)))
    }
}
