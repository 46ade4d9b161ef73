import FMCore
import FMCrypto
import FMLightningCommon
import FMLightningServer
import FMMintCommon
import FMServer
import FMServerCore
import FMWalletCommon
import Foundation
import Testing

/// The Lightning module's config as a client stores it: its keys decode on first use, and the join and a guardian's
/// start check every one (docs/benchmarks/cli-start.md, session 11).
@Suite struct LightningConfigTests {
    @Test func storedKeysDecodeOnFirstUse() throws {
        var rng = SeededRandom(seed: 17)
        let dealt = try #require(
            LightningServerInit().dealerConfigs(peers: (0..<4).map { PeerID($0) }, threshold: 3, parameters: .null, using: &rng)[
                PeerID(0)])
        let good = try dealt.consensus.decode(LightningConsensusConfig.self)
        // Guardian 2's key share replaced by a point on the curve outside G2 (x = 2): only the subgroup check can
        // refuse it.
        var outside = [UInt8](repeating: 0, count: 96)
        outside[0] = 0x80
        outside[95] = 2
        guard case .object(let dealtFields) = dealt.consensus, case .array(var shares)? = dealtFields["encryption_key_shares"]
        else {
            Issue.record("unexpected config JSON")
            return
        }
        shares[2] = .string(Hex.encode(outside))
        var fields = dealtFields
        fields["encryption_key_shares"] = .array(shares)
        let stored = JSONValue.object(fields)

        let config = try stored.decode(LightningConsensusConfig.self)  // only lengths checked: a command that needs no key runs
        #expect(try JSONValue(config) == stored)
        #expect(config.peerCount == 4 && config.threshold == 3)
        #expect(try config.encryptionKey == good.encryptionKey)
        #expect(try config.encryptionKeyShare(3) == good.encryptionKeyShare(3))
        #expect(try config.encryptionKeyShare(4) == nil)
        let error = try #require(#expect(throws: LightningError.self) { try config.encryptionKeyShare(2) })
        #expect(error.code == "invalid_ln_config")
        let description = error.description
        #expect(
            description.hasPrefix("invalid Lightning module config: the encryption key share 2 is invalid"), "\(description)")
        #expect(description.contains("subgroup"), "\(description)")
        #expect(!description.contains("\n"))
        // The same error from the up-front checks: a client's join, and the start of a guardian whose own share is fine.
        #expect(throws: error) { try config.encryptionKeyShares }
        #expect(throws: error) { try config.checkKeys() }
        #expect(throws: error) { try LightningConfigCodec().canonicalConsensusBytes(stored) }
        #expect(throws: error) {
            try LightningServerInit().module(
                instance: LightningKind.defaultInstance, consensus: stored, private: dealt.private, ownPeer: PeerID(0))
        }

        // The encryption key itself: refused where a receiver encrypts to it.
        fields["encryption_key_shares"] = dealtFields["encryption_key_shares"]
        fields["encryption_key"] = .string(Hex.encode(outside))
        let badKey = try JSONValue.object(fields).decode(LightningConsensusConfig.self)
        #expect(try badKey.encryptionKeyShares == good.encryptionKeyShares)
        let keyError = try #require(#expect(throws: LightningError.self) { try badKey.encryptionKey })
        #expect(keyError.description.hasPrefix("invalid Lightning module config: the encryption key is invalid"))
        #expect(throws: keyError) { try LightningConfigCodec().canonicalConsensusBytes(.object(fields)) }

        // A key of the wrong length is refused when the config is read.
        fields["encryption_key"] = .string(Hex.encode(outside.dropLast()))
        #expect(throws: DecodingError.self) { try JSONValue.object(fields).decode(LightningConsensusConfig.self) }
    }

    /// A client opens each module's config from the stored tree (``JSONValueDecoder``, not a JSON text round trip),
    /// to the same value JSONDecoder gives.
    @Test func moduleConfigsDecodeFromTheTree() throws {
        let configs = try TestingDealer.generateForTesting(guardians: 4, basePort: 41_200, devMode: true)
        // The client config as `join` stores it, read back as `open` does.
        let client = try configs[0].consensus.clientConfig(modules: .standard)
        let text = Data(try JSONConventions.line(client).utf8)
        let tree = try #require(JSONValueParser.parse(text))
        #expect(tree == (try JSONDecoder().decode(JSONValue.self, from: text)))
        let viaText = try JSONConventions.decoder().decode(ClientConfig.self, from: text)
        #expect(JSONValueDecoder.decode(ClientConfig.self, from: tree) == viaText)
        #expect(try JSONConventions.decode(ClientConfig.self, from: text, what: "config") == viaText)
        let modules = configs[0].consensus.modules
        #expect(modules.count == 3)
        for module in modules {
            let config = module.config
            func same<T: Decodable & Equatable>(_ type: T.Type) throws {
                let viaText = try JSONConventions.decoder().decode(type, from: JSONConventions.encoder().encode(config))
                #expect(JSONValueDecoder.decode(type, from: config) == viaText, "\(module.kind)")
                #expect(try config.decode(type) == viaText)
            }
            switch module.kind {
            case MintKind.kind: try same(MintClientConfig.self)
            case WalletKind.kind: try same(WalletClientConfig.self)
            case LightningKind.kind: try same(LightningClientConfig.self)
            default: Issue.record("unexpected module \(module.kind)")
            }
        }
    }
}
