import FMBLS12381
import FMCrypto
import FMTesting
import Testing

@Suite struct HashToG1Tests {
    /// RFC 9380 appendix J.9.1: u values, Q0 = map(u0), Q1 = map(u1) and P.
    @Test func rfcVectors() throws {
        let root = try object(Fixtures.json("h2c_BLS12381G1_XMD_SHA-256_SSWU_RO_.json"))
        let domain = Array(try string(root["dst"]).utf8)
        let vectors = try array(root["vectors"])
        #expect(vectors.count == 5)
        for case let vector as JSONObject in vectors {
            let message = Array(try string(vector["msg"]).utf8)
            let u = try array(vector["u"]).map { try fp(string($0)) }
            let (u0, u1) = HashToG1.hashToField(message, domain: domain)
            #expect(u0 == u[0] && u1 == u[1], "hash_to_field, msg of \(message.count) bytes")
            for (field, name) in [(u0, "Q0"), (u1, "Q1")] {
                let q = try object(vector[name])
                #expect(HashToG1.mapToCurve(field) == (try g1(x: string(q["x"]), y: string(q["y"]))), "\(name)")
            }
            let p = try object(vector["P"])
            let hashed = HashToG1.hash(message, domain: domain)
            #expect(hashed == (try g1(x: string(p["x"]), y: string(p["y"]))), "P, msg of \(message.count) bytes")
            #expect(hashed.isInSubgroup)
        }
    }

    /// The KAT file's own tag, checked by py_ecc and blst: u0, u1, Q0, Q1, P (compressed).
    @Test func knownAnswersWithOurTestTag() throws {
        let section = try object(object(Fixtures.json("bls12381_kat.json"))["hash_to_G1"])
        let domain = Array(try string(section["dst"]).utf8)
        let vectors = try array(section["vectors"])
        #expect(vectors.count == 5)
        for case let vector as JSONObject in vectors {
            let message = bytes(hex: try string(vector["msg_hex"]))
            let (u0, u1) = HashToG1.hashToField(message, domain: domain)
            #expect(u0 == (try fp(string(vector["u0"]))))
            #expect(u1 == (try fp(string(vector["u1"]))))
            for (field, name) in [(u0, "Q0"), (u1, "Q1")] {
                let q = try object(vector[name])
                #expect(HashToG1.mapToCurve(field) == (try g1(x: string(q["x"]), y: string(q["y"]))), "\(name)")
            }
            let p = try object(vector["P"])
            #expect(hex(HashToG1.hash(message, domain: domain).compressed) == (try string(p["compressed"])))
        }
    }

    @Test func mintTagIsItsOwnDomain() {
        #expect(DomainTags.mintMessage == Array("FM-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_".utf8))
        let nonce = [UInt8](repeating: 7, count: 32)
        #expect(Message(nonce: nonce).point == HashToG1.hash(nonce, domain: DomainTags.mintMessage))
        #expect(Message(nonce: nonce).point != HashToG1.hash(nonce, domain: Array("other".utf8)))
    }
}
