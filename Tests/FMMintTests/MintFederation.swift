import FMCore
import FMCrypto
import FMDatabase
import FMMintClient
import FMMintCommon
import FMMintServer
import FMServerCore
import FMStorage
import FMTesting
import Foundation
import Testing

/// Four mint guardians (dealer-generated keys, t = 3), each with its own
/// database behind the storage interface (on the backend under test, `FM_TEST_STORAGE`), and the client-side config
/// they publish. Stands in for the
/// guardian's transaction processing: each transaction's stateless checks
/// run first, then it is applied in one write transaction, rolled back whole
/// if any item is rejected.
final class MintFederation: Sendable {
    struct Guardian: Sendable {
        let peer: PeerID
        let module: MintServerModule
        let database: any Storage
        let place: StoragePlace
    }

    let guardians: [Guardian]
    let config: MintClientConfig
    let derivation: NoteDerivation

    init(peers: Int = 4, devMode: Bool = false, maxExponent: UInt8 = 8, seed: UInt64 = 1) throws {
        var rng = SeededRandom(seed: seed)
        let size = FederationSize(peers)
        let generated: [PeerID: GeneratedModuleConfig]
        if peers == 4, maxExponent == 8, seed == 1 {
            generated = devMode ? Self.devConfigs : Self.standardConfigs
        } else {
            generated = try Self.deal(size: size, devMode: devMode, maxExponent: maxExponent, using: &rng)
        }
        guardians = try size.peers.map { peer in
            let configs = generated[peer]!
            let module = try MintServerInit().module(
                instance: MintKind.defaultInstance, consensus: configs.consensus, private: configs.private, ownPeer: peer)
            let mint = try #require(module as? MintServerModule)
            let place = try Backend.placeUnderTest()
            return Guardian(peer: peer, module: mint, database: try place.open([mint.schema]), place: place)
        }
        config = try MintServerInit().clientConfig(fromConsensus: generated[PeerID(0)]!.consensus).decode(MintClientConfig.self)
        derivation = try NoteDerivation(moduleSecret: rng.bytes(64))
    }

    /// Dealing keys is the slow part; tests that do not care about the keys share these.
    static let standardConfigs = dealCached(devMode: false)
    static let devConfigs = dealCached(devMode: true)

    private static func dealCached(devMode: Bool) -> [PeerID: GeneratedModuleConfig] {
        var rng = SeededRandom(seed: devMode ? 1_001 : 1_000)
        return try! deal(size: FederationSize(4), devMode: devMode, maxExponent: 8, using: &rng)
    }

    private static func deal(
        size: FederationSize, devMode: Bool, maxExponent: UInt8, using rng: inout SeededRandom
    ) throws -> [PeerID: GeneratedModuleConfig] {
        let parameters = try JSONValue(MintGenerationParameters(maxExponent: maxExponent, devMode: devMode))
        return try MintServerInit().dealerConfigs(
            peers: size.peers, threshold: size.threshold, parameters: parameters, using: &rng)
    }

    static func randomTxid() -> TransactionID {
        var rng = SystemRandomNumberGenerator()
        return TransactionID(Hash256.sha256((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    }

    /// Applies a transaction's mint items at one guardian, atomically.
    @discardableResult
    func apply(
        at guardian: Guardian, inputs: [MintInput], outputs: [MintOutput], txid: TransactionID = randomTxid()
    ) throws -> (inputs: [InputMeta], outputs: [OutputMeta]) {
        // The stateless phases first, outside the write transaction, as the guardian's processor runs them.
        let payloads = inputs.map(\.canonicalBytes)
        _ = try guardian.module.inputMetas(payloads)
        try guardian.module.verifyInputProofs(payloads)
        return try guardian.database.writeNow { db in
            let inputMetas = try guardian.module.processInputs(payloads, db: db)
            let outputMetas = try outputs.enumerated().map { index, output in
                try guardian.module.processOutput(
                    output.canonicalBytes, outPoint: OutPoint(txid: txid, outIndex: UInt64(index)), db: db)
            }
            return (inputMetas, outputMetas)
        }
    }

    /// Applies the transaction at every guardian (all must agree).
    @discardableResult
    func applyEverywhere(inputs: [MintInput], outputs: [MintOutput], txid: TransactionID = randomTxid()) throws
        -> (inputs: [InputMeta], outputs: [OutputMeta])
    {
        var result: (inputs: [InputMeta], outputs: [OutputMeta])?
        for guardian in guardians { result = try apply(at: guardian, inputs: inputs, outputs: outputs, txid: txid) }
        return result!
    }

    /// Every guardian's outcome bytes for an out point.
    func outcomes(at outPoint: OutPoint) throws -> [PeerID: [UInt8]] {
        var outcomes: [PeerID: [UInt8]] = [:]
        for guardian in guardians {
            outcomes[guardian.peer] = try guardian.database.readNow { db in
                try guardian.module.outputOutcome(outPoint, db: db)
            }
        }
        return outcomes
    }

    /// Issues notes for `secrets` with the given inputs (dev-issue or notes), and combines them.
    func issue(_ secrets: [NoteSecret], inputs: [MintInput]) throws -> [SpendableNote] {
        let txid = Self.randomTxid()
        try applyEverywhere(inputs: inputs, outputs: secrets.map(\.output), txid: txid)
        return try secrets.enumerated().map { index, secret in
            let outcomes = try outcomes(at: OutPoint(txid: txid, outIndex: UInt64(index)))
            return try NoteIssuance.finalize(secret, outcomes: outcomes, config: config).note
        }
    }

    func audits() throws -> [ModuleAudit] {
        try guardians.map { guardian in try guardian.database.readNow { try guardian.module.audit(db: $0) } }
    }
}
