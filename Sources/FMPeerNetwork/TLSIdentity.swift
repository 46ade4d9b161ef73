import Crypto
import Foundation
import SwiftASN1
import X509

/// The public half of a guardian's TLS identity: its self-signed certificate, as carried in setup codes.
///
/// Peers pin each other by this certificate's exact DER bytes; nothing else about it (issuer, validity,
/// host names) is trusted or checked when connecting.
public struct PeerCertificate: Sendable, Hashable, CustomStringConvertible {
    /// The certificate's DER encoding, exactly as it is presented in the TLS handshake.
    public let derBytes: [UInt8]

    /// The guardian name from the certificate's subject common name.
    public let subjectName: String

    /// Parses a DER certificate; throws if it is not a well-formed X.509 certificate with a P-256 key.
    public init(derBytes: [UInt8]) throws(TLSIdentityError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: derBytes)
        } catch {
            throw .invalidCertificate("not a DER X.509 certificate: \(error)")
        }
        guard P256.Signing.PublicKey(certificate.publicKey) != nil else {
            throw .invalidCertificate("the certificate's key is not an ECDSA P-256 key")
        }
        self.derBytes = derBytes
        self.subjectName = Self.commonName(of: certificate)
    }

    /// Parses a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    public init(pem: String) throws(TLSIdentityError) {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw .invalidCertificate("not a PEM document: \(error)")
        }
        guard document.discriminator == "CERTIFICATE" else {
            throw .invalidCertificate("PEM block is \(document.discriminator), expected CERTIFICATE")
        }
        try self.init(derBytes: document.derBytes)
    }

    /// The certificate as a PEM string.
    public var pem: String {
        PEMDocument(type: "CERTIFICATE", derBytes: derBytes).pemString
    }

    /// SHA-256 of the certificate's DER encoding.
    public var fingerprint: CertificateFingerprint {
        CertificateFingerprint(bytes: Array(SHA256.hash(data: derBytes)))
    }

    /// The certificate's P-256 public key.
    public var publicKey: P256.Signing.PublicKey {
        // Checked to parse and be P-256 in `init(derBytes:)`.
        let certificate = try! Certificate(derEncoded: derBytes)
        return P256.Signing.PublicKey(certificate.publicKey)!
    }

    public var description: String { "PeerCertificate(\(subjectName), sha256:\(fingerprint))" }

    private static func commonName(of certificate: Certificate) -> String {
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let name = String(attribute.value) { return name }
            }
        }
        return ""
    }
}

/// SHA-256 over a certificate's DER bytes; shown as lowercase hex.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    public var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// A guardian's TLS identity: a P-256 private key and the self-signed certificate it presents to peers.
///
/// - Important: `privateKeyPEM` and `privateKeyRawRepresentation` expose the secret key; store them only in the
///   guardian's encrypted secrets file. `description` never shows them.
public struct TLSIdentity: Sendable, CustomStringConvertible {
    /// The private key whose public key is in `certificate`.
    public let privateKey: P256.Signing.PrivateKey
    /// The self-signed certificate peers pin.
    public let certificate: PeerCertificate

    /// Generates a fresh key and a self-signed X.509 v3 certificate (ECDSA-SHA256) for `name`.
    ///
    /// The certificate names `name` as subject common name and issuer, carries SubjectAlternativeName entries for
    /// `localhost` and `127.0.0.1`, and is valid from one day before `now` for `validityYears` years. Peers pin the
    /// exact certificate, so validity only has to outlast the federation; it is long on purpose.
    public static func generate(
        name: String, validityYears: Int = 100, now: Date = Date()
    ) throws(TLSIdentityError) -> TLSIdentity {
        let key = P256.Signing.PrivateKey()
        do {
            let subject = try DistinguishedName { CommonName(name) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(key.publicKey),
                notValidBefore: now.addingTimeInterval(-86_400),
                notValidAfter: now.addingTimeInterval(Double(validityYears) * 365.25 * 86_400),
                issuer: subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: .init(key))
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return TLSIdentity(checkedKey: key, certificate: try PeerCertificate(derBytes: serializer.serializedBytes))
        } catch let error as TLSIdentityError {
            throw error
        } catch {
            throw .certificateGenerationFailed("\(error)")
        }
    }

    /// Rebuilds an identity from its stored parts; throws unless the key is the certificate's key.
    public init(privateKey: P256.Signing.PrivateKey, certificate: PeerCertificate) throws(TLSIdentityError) {
        guard privateKey.publicKey.rawRepresentation == certificate.publicKey.rawRepresentation else {
            throw .keyDoesNotMatchCertificate
        }
        self.init(checkedKey: privateKey, certificate: certificate)
    }

    /// Rebuilds an identity from a PKCS#8 PEM private key and a PEM certificate.
    public init(privateKeyPEM: String, certificatePEM: String) throws(TLSIdentityError) {
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw .invalidPrivateKey("not a P-256 private key in PEM: \(error)")
        }
        try self.init(privateKey: key, certificate: try PeerCertificate(pem: certificatePEM))
    }

    /// Rebuilds an identity from the 32-byte raw private scalar and the certificate DER.
    public init(privateKeyRawRepresentation: [UInt8], certificateDER: [UInt8]) throws(TLSIdentityError) {
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(rawRepresentation: privateKeyRawRepresentation)
        } catch {
            throw .invalidPrivateKey("not a 32-byte P-256 scalar: \(error)")
        }
        try self.init(privateKey: key, certificate: try PeerCertificate(derBytes: certificateDER))
    }

    private init(checkedKey privateKey: P256.Signing.PrivateKey, certificate: PeerCertificate) {
        self.privateKey = privateKey
        self.certificate = certificate
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Secret.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// The 32-byte private scalar. Secret.
    public var privateKeyRawRepresentation: [UInt8] { Array(privateKey.rawRepresentation) }

    public var description: String { "TLSIdentity(\(certificate.subjectName), sha256:\(certificate.fingerprint))" }
}

/// Why a TLS identity or certificate could not be made or loaded.
public enum TLSIdentityError: Error, Equatable, CustomStringConvertible {
    case invalidCertificate(String)
    case invalidPrivateKey(String)
    case keyDoesNotMatchCertificate
    case certificateGenerationFailed(String)

    public var description: String {
        switch self {
        case .invalidCertificate(let why): "invalid TLS certificate: \(why)"
        case .invalidPrivateKey(let why): "invalid TLS private key: \(why)"
        case .keyDoesNotMatchCertificate: "the TLS private key does not belong to the certificate"
        case .certificateGenerationFailed(let why): "could not create the TLS certificate: \(why)"
        }
    }
}
