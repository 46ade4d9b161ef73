import FMBitcoin
import FMCore
import FMDatabase
import FMEncoding
import FMSecp256k1
import FMServerCore
import FMStorage
import FMWalletCommon
import FMWalletServer
import FMTesting
import Foundation
import Testing

/// n wallet modules with their own databases, fed the same consensus items and transactions in the same order,
/// as consensus would.
struct WalletFederation {
    struct Guardian {
        let peer: PeerID
        let module: WalletServerModule
        let database: any Storage
        /// On the backend under test (`FM_TEST_STORAGE`).
        let place: StoragePlace
    }

    let guardians: [Guardian]
    let config: WalletConsensusConfig
    let chain: FakeChain

    /// `nodes` gives some guardians another chain source than `chain` (a forked or unreachable node).
    init(
        peers n: Int, chain: FakeChain, seed: UInt64 = 7, parameters: JSONValue = .object(["network": .string("regtest")]),
        nodes: [PeerID: any WalletChainSource] = [:]
    ) throws {
        var rng = SeededRandom(seed: seed)
        let peers = (0..<n).map { PeerID(UInt16($0)) }
        let initializer = WalletServerInit(chain: chain)
        let configs = try initializer.dealerConfigs(
            peers: peers, threshold: n - (n - 1) / 3, parameters: parameters, using: &rng)
        guardians = try peers.map { peer in
            let module = try (nodes[peer].map { WalletServerInit(chain: $0) } ?? initializer).module(
                instance: WalletKind.defaultInstance, consensus: configs[peer]!.consensus, private: configs[peer]!.private,
                ownPeer: peer) as! WalletServerModule
            let place = try Backend.placeUnderTest()
            return Guardian(peer: peer, module: module, database: try place.open([module.schema]), place: place)
        }
        config = try configs[peers[0]]!.consensus.decode(WalletConsensusConfig.self)
        self.chain = chain
    }

    /// Applies `item` proposed by `peer` at every guardian (rolled back where it is rejected, as the processor does);
    /// whether each guardian accepted it.
    @discardableResult
    func apply(item: [UInt8], from peer: PeerID) throws -> [Bool] {
        try guardians.map { guardian in
            try guardian.database.writeNow { db in
                do {
                    try db.inSavepoint { try guardian.module.processConsensusItem(item, from: peer, db: db) }
                    return true
                } catch is TransactionRejection { return false }
            }
        }
    }

    /// Every guardian polls its node and proposes what it wants now, the items applied everywhere in peer order,
    /// until no guardian proposes anything (a height vote is followed by the new final heights' hash votes, and
    /// those by confirmation votes).
    func roundOfProposals() async throws {
        for _ in 0..<8 {
            var proposed = false
            for guardian in guardians {
                await guardian.module.backgroundTick(storage: guardian.database)
                let items = try guardian.database.readNow { try guardian.module.consensusProposal(db: $0) }
                for item in items { try apply(item: item, from: guardian.peer) }
                proposed = proposed || !items.isEmpty
            }
            if !proposed { return }
        }
    }

    /// Processes one wallet input at every guardian; returns the metas (identical everywhere or it throws).
    func processInput(_ input: WalletInput) throws -> InputMeta {
        let metas = try guardians.map { guardian in
            try guardian.database.writeNow { try guardian.module.processInput(input.canonicalBytes, db: $0) }
        }
        precondition(Set(metas).count == 1)
        return metas[0]
    }

    func processOutput(_ output: WalletOutput, at outPoint: FMCore.OutPoint) throws -> OutputMeta {
        let metas = try guardians.map { guardian in
            try guardian.database.writeNow { try guardian.module.processOutput(output.canonicalBytes, outPoint: outPoint, db: $0) }
        }
        precondition(Set(metas).count == 1)
        return metas[0]
    }

    func stateDigests() throws -> [[UInt8]] {
        try guardians.map { guardian in try guardian.database.readNow { try guardian.module.stateDigest(db: $0) } }
    }

    func audits() throws -> [ModuleAudit] {
        try guardians.map { guardian in try guardian.database.readNow { try guardian.module.audit(db: $0) } }
    }
}
