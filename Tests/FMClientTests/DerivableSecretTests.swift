import FMClientCore
import FMCore
import FMTesting
import Testing

@Suite struct DerivableSecretTests {
    let seed = bytes(hex: String(repeating: "5a", count: 64))
    let federationA = FederationID(Hash256.sha256(Array("a".utf8)))
    let federationB = FederationID(Hash256.sha256(Array("b".utf8)))

    @Test func derivationIsDeterministic() {
        let one = DerivableSecret(seed: seed).federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(7)
        let two = DerivableSecret(seed: seed).federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(7)
        #expect(one.bytes("x", count: 32) == two.bytes("x", count: 32))
        #expect(one.secp256k1Keypair() == two.secp256k1Keypair())
        #expect(one.blsScalar() == two.blsScalar())
        #expect(one.fingerprint == two.fingerprint)
    }

    /// Pinned against an independent RFC 5869 HKDF-SHA512 written with Python's hmac module (the
    /// derivation is part of the wallet format: a change here makes old mnemonics restore other keys).
    @Test func knownAnswerFromIndependentHKDF() {
        let leaf = DerivableSecret(seed: seed).federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(7)
        #expect(hex(leaf.bytes("x", count: 32)) == "859b2d77def6bd641515a801ddf19461d46692c5c23ef4a0946ecaef876fa946")
    }

    @Test func everyPathComponentSeparatesSecrets() {
        let root = DerivableSecret(seed: seed)
        let base = root.federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(7)
        let variants = [
            DerivableSecret(seed: bytes(hex: String(repeating: "5b", count: 64)))
                .federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(7),
            root.federation(federationB).module(ModuleInstanceID(0)).purpose("mint").index(7),
            root.federation(federationA).module(ModuleInstanceID(1)).purpose("mint").index(7),
            root.federation(federationA).module(ModuleInstanceID(0)).purpose("wallet").index(7),
            root.federation(federationA).module(ModuleInstanceID(0)).purpose("mint").index(8),
            // A module index must not collide with a derivation index of the same number.
            root.federation(federationA).index(0).purpose("mint").index(7),
        ]
        let reference = base.bytes("x", count: 32)
        for variant in variants { #expect(variant.bytes("x", count: 32) != reference) }
        #expect(base.bytes("x", count: 32) != base.bytes("y", count: 32))
        #expect(base.secp256k1Keypair() != variants[4].secp256k1Keypair())
    }

    @Test func descriptionIsRedacted() {
        #expect("\(DerivableSecret(seed: seed))" == "DerivableSecret(<redacted>)")
    }
}
