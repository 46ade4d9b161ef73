import FMConsensus
import FMCore
import FMSecp256k1
import Testing

/// Four real engines with BIP-340 Schnorr consensus keys, messages routed in process.
@Suite struct SchnorrConsensusTests {
    @Test func signerAndVerifierAgree() {
        let signer = SchnorrConsensusSigner(peer: PeerID(0), keypair: Keypair())
        let verifier = SchnorrConsensusVerifier(publicKeys: [PeerID(0): signer.publicKey])
        let domain = ConsensusDomain(federationID: FederationID(Hash256.sha256([1])))
        let digest = VoteStatement(kind: .skip, iteration: 4).signingDigest(in: domain)
        let signature = signer.sign(digest: digest)
        #expect(signature.count == 64)
        #expect(verifier.isValidSignature(signature, of: digest, by: PeerID(0)))
        #expect(!verifier.isValidSignature(signature, of: VoteStatement(kind: .skip, iteration: 5).signingDigest(in: domain), by: PeerID(0)))
        #expect(!verifier.isValidSignature(signature, of: digest, by: PeerID(1)))
        #expect(!verifier.isValidSignature(Array(signature.prefix(63)), of: digest, by: PeerID(0)))
    }

    @Test func fourEnginesFinalizeVerifiableHistory() throws {
        let peers = (0..<4).map { PeerID(UInt16($0)) }
        let signers = peers.map { SchnorrConsensusSigner(peer: $0, keypair: Keypair()) }
        let verifier = SchnorrConsensusVerifier(publicKeys: Dictionary(uniqueKeysWithValues: zip(peers, signers.map(\.publicKey))))
        let federation = FederationID(Hash256.sha256(Array("schnorr federation".utf8)))
        var engines = peers.indices.map { index in
            ConsensusEngine(
                // No timers here: leaders propose at once, never waiting for items or a batch window.
                configuration: ConsensusConfiguration(
                    peers: peers, ownID: peers[index], federationID: federation, idleProposalDelay: .zero, batchWindow: .zero),
                signer: signers[index], verifier: verifier)
        }
        var stores: [[FinalizedBlock]] = Array(repeating: [], count: 4)
        var inbox: [(to: Int, from: PeerID, bytes: [UInt8])] = []
        func perform(_ actions: [ConsensusAction], at index: Int) {
            for action in actions {
                switch action {
                case .broadcast(let message):
                    for other in peers.indices where other != index { inbox.append((other, peers[index], message.encoded)) }
                case .send(let message, let peer): inbox.append((Int(peer.rawValue), peers[index], message.encoded))
                case .finalized(let block): stores[index].append(block)
                default: break
                }
            }
        }
        for index in peers.indices { perform(engines[index].handle(.start), at: index) }
        for (index, item) in [[1], [2], [3], [4], [5, 5]].enumerated() {
            perform(engines[index % 4].handle(.submit(item: item.map(UInt8.init))), at: index % 4)
        }
        var steps = 0
        while !inbox.isEmpty, stores.map({ $0.flatMap(\.items).count }).min()! < 5, steps < 20_000 {
            let message = inbox.removeFirst()
            perform(engines[message.to].handle(.received(from: message.from, bytes: message.bytes)), at: message.to)
            steps += 1
        }
        for store in stores {
            #expect(Set(store.flatMap(\.items)) == [[1], [2], [3], [4], [5, 5]])
            let proven = try ConsensusHistory.verify(
                store, after: .genesis(federation.hash), peers: peers, quorum: 3,
                domain: ConsensusDomain(federationID: federation), verifier: verifier)
            #expect(proven == store.count)
            let common = min(store.count, stores[0].count)
            #expect(store.prefix(common).map(\.header) == stores[0].prefix(common).map(\.header))
        }
    }
}
