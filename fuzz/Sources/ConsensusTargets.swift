import FMConsensus
import FMCore
import FMEncoding

/// What guardians send each other through consensus, and the signed blocks they store and serve.
let consensusTargets: [FuzzTarget] = [
    FuzzTarget(
        name: "consensus-message",
        run: { bytes in
            checkCanonical(ConsensusMessage.self, bytes)
            // The derived views a receiver computes must not trap on any decoded message.
            if case .proposal(let proposal)? = try? ConsensusMessage(decoding: bytes) {
                _ = proposal.leaderVote
                _ = proposal.block.itemsMatchHeader
            }
        },
        seeds: { Samples.consensusMessages.map(\.canonicalBytes) }),
    FuzzTarget(
        name: "signed-block",
        run: { bytes in
            dispatch(bytes, [
                { checkCanonical(FinalizedBlock.self, $0) }, { checkCanonical(NotarizedBlock.self, $0) },
                { checkCanonical(FMConsensus.Block.self, $0) }, { checkCanonical(QuorumCertificate.self, $0) },
                { checkCanonical(Vote.self, $0) }, { checkCanonical(ChainTip.self, $0) },
                { checkCanonical(ConsensusCheckpoint.self, $0) },
            ])
        },
        seeds: {
            [
                selected(0, Samples.finalized.canonicalBytes), selected(1, Samples.notarized.canonicalBytes),
                selected(2, Samples.block.canonicalBytes), selected(3, Samples.skip.canonicalBytes),
                selected(4, Vote(statement: Samples.notarization.statement, signature: Samples.signature(1)).canonicalBytes),
                selected(5, ChainTip(after: Samples.block.header).canonicalBytes),
                selected(6, ConsensusCheckpoint(
                    iteration: 10, notarizeVote: Samples.block.hash, skipVote: false,
                    chain: [.notarized(Samples.notarized), .skipped(Samples.skip)]).canonicalBytes),
            ]
        }),
]
