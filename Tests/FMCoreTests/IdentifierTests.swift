import FMCore
import FMEncoding
import Foundation
import Testing

@Suite struct IdentifierTests {
    @Test func sha256KnownAnswer() {
        #expect(Hash256.sha256(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hashJSONRoundTripAndErrors() throws {
        let hash = Hash256.sha256([1, 2, 3])
        let json = try JSONConventions.line(["h": hash])
        #expect(json == "{\"h\":\"\(hash.hex)\"}")
        #expect(try JSONConventions.decoder().decode([String: Hash256].self, from: Data(json.utf8))["h"] == hash)
        #expect(throws: InvalidInput.self) {
            try JSONConventions.decode([String: Hash256].self, from: Data(#"{"h":"zz"}"#.utf8), what: "stdin")
        }
    }

    @Test func decodeErrorNamesTheField() {
        struct Setup: Decodable { let apiUrl: String; let peers: [Int] }
        do {
            _ = try JSONConventions.decode(Setup.self, from: Data(#"{"api_url":"x","peers":[1,"two"]}"#.utf8), what: "setup")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "peers.1")
            #expect(error.description.hasPrefix("peers.1: expected"))
        }
        do {
            _ = try JSONConventions.decode(Setup.self, from: Data(#"{"peers":[]}"#.utf8), what: "setup")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "api_url", "missing keys are named as they are spelled in the JSON")
        }
    }

    @Test func hexRejectsMalformed() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("ABcd") == [0xab, 0xcd])
    }

    @Test(arguments: [(1, 0, 1), (3, 0, 3), (4, 1, 3), (7, 2, 5), (10, 3, 7)])
    func federationSizes(n: Int, f: Int, t: Int) {
        let size = FederationSize(n)
        #expect(size.maxFaulty == f)
        #expect(size.threshold == t)
    }

    @Test func peerIDEncodingAndShamirX() throws {
        #expect(PeerID(0).shamirX == 1)
        #expect(try PeerID(canonicalBytes: PeerID(300).canonicalBytes) == PeerID(300))
    }
}
