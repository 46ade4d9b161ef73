import Crypto
import FMPeerNetwork
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct TLSIdentityTests {
    @Test func generatedCertificateIsSelfSignedV3WithNameAndLocalhostNames() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let identity = try TLSIdentity.generate(name: "guardian-0", now: now)
        let certificate = try Certificate(derEncoded: identity.certificate.derBytes)

        #expect(certificate.version == .v3)
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.subject.description.contains("CN=guardian-0"))
        #expect(identity.certificate.subjectName == "guardian-0")
        #expect(certificate.notValidBefore < now)
        #expect(certificate.notValidAfter > now.addingTimeInterval(50 * 365 * 86_400))
        // The certificate verifies under its own key: it is really self-signed by the identity's key.
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(P256.Signing.PublicKey(certificate.publicKey)?.rawRepresentation
            == identity.privateKey.publicKey.rawRepresentation)

        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
    }

    @Test func fingerprintIsSHA256OfTheDER() throws {
        let identity = try TLSIdentity.generate(name: "g")
        #expect(identity.certificate.fingerprint.bytes == Array(SHA256.hash(data: identity.certificate.derBytes)))
        #expect(identity.certificate.fingerprint.description.count == 64)
    }

    @Test func pemRoundTripRestoresTheSameIdentity() throws {
        let identity = try TLSIdentity.generate(name: "alice")
        #expect(identity.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(identity.certificate.pem.hasPrefix("-----BEGIN CERTIFICATE-----"))

        let restored = try TLSIdentity(privateKeyPEM: identity.privateKeyPEM, certificatePEM: identity.certificate.pem)
        #expect(restored.certificate == identity.certificate)
        #expect(restored.privateKeyRawRepresentation == identity.privateKeyRawRepresentation)
    }

    @Test func rawRoundTripRestoresTheSameIdentity() throws {
        let identity = try TLSIdentity.generate(name: "bob")
        #expect(identity.privateKeyRawRepresentation.count == 32)
        let restored = try TLSIdentity(
            privateKeyRawRepresentation: identity.privateKeyRawRepresentation,
            certificateDER: identity.certificate.derBytes)
        #expect(restored.certificate.fingerprint == identity.certificate.fingerprint)
    }

    @Test func twoIdentitiesDiffer() throws {
        let a = try TLSIdentity.generate(name: "same")
        let b = try TLSIdentity.generate(name: "same")
        #expect(a.certificate != b.certificate)
        #expect(a.certificate.fingerprint != b.certificate.fingerprint)
    }

    @Test func keyFromAnotherIdentityIsRejected() throws {
        let a = try TLSIdentity.generate(name: "a")
        let b = try TLSIdentity.generate(name: "b")
        #expect(throws: TLSIdentityError.keyDoesNotMatchCertificate) {
            try TLSIdentity(privateKey: a.privateKey, certificate: b.certificate)
        }
    }

    @Test func malformedInputsAreRejectedWithTypedErrors() throws {
        let identity = try TLSIdentity.generate(name: "a")
        var corrupted = identity.certificate.derBytes
        corrupted.removeLast()
        #expect(throws: TLSIdentityError.self) { try PeerCertificate(derBytes: corrupted) }
        #expect(throws: TLSIdentityError.self) { try PeerCertificate(pem: identity.privateKeyPEM) }
        #expect(throws: TLSIdentityError.self) {
            try TLSIdentity(privateKeyRawRepresentation: [1, 2, 3], certificateDER: identity.certificate.derBytes)
        }
    }

    @Test func descriptionNeverShowsTheSecretKey() throws {
        let identity = try TLSIdentity.generate(name: "secretive")
        let text = "\(identity)"
        #expect(text.contains("secretive"))
        #expect(!text.contains(identity.privateKeyPEM))
        let keyHex = identity.privateKeyRawRepresentation.map { String(format: "%02x", $0) }.joined()
        #expect(!text.contains(keyHex))
    }
}
