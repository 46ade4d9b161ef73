import FMBitcoin
import FMCore
import FMEncoding
import FMSecp256k1
import FMServerCore
import FMStorage
import FMWalletCommon
import Foundation
import Logging

/// The guardian side of the wallet (BRIEF §8).
///
/// - Block height: each guardian votes its node's tip minus the finality delay; the consensus height is the
///   median of the n latest votes (missing votes count as 0), never decreasing.
/// - Chain facts (``ChainFacts``): each guardian votes the hashes of the final blocks and the final heights that
///   confirm federation transactions, as its own node shows them (read in the background, never while a block is
///   applied); a fact enters consensus state when t guardians voted it. Peg-in proofs must name a block with an
///   agreed hash. A guardian whose node is down or behind applies blocks like the others and votes no facts.
/// - Peg-in (input): the proof must verify (``PegInProof/verify(config:)``), name a final block and an outpoint not
///   claimed before; the outpoint is recorded with its tweak key. Value = deposit − nothing, fee = peg-in fee, spend
///   key = the tweak key.
/// - Peg-out (output): the fee rate must be at least the consensus fee rate (median of fee votes, the config's
///   default until someone votes); the bitcoin transaction is built by ``PegOutPlan`` from the spendable outputs
///   and stored; its inputs are marked spent and its change recorded at once, so the next peg-out builds on it.
///   The output's outcome is the bitcoin txid.
/// - Signing: each guardian proposes its ECDSA signatures for every peg-out it has not signed; shares are verified
///   when ordered; the t-th valid share finalizes the transaction. Background work broadcasts every signed peg-out
///   until the final blocks show it. A peg-out is built once, so it is never re-broadcast with other inputs.
/// - Confirmation and fee bumps: confirmations are agreed chain facts; after every fee-rate vote, height advance and
///   scan advance (how far t guardians read the final blocks for federation transactions, the height the trigger
///   counts) a stuck package gets a CPFP child (``PegOutFeeBump``), signed like a peg-out and sent with its parent
///   as a package, paid from the fee surplus (docs/wallet.md, "Fee bump").
public struct WalletServerModule: BackgroundServerModule {
    public let instance: ModuleInstanceID
    public let config: WalletConsensusConfig
    public let ownPeer: PeerID
    private let pegInKey: SecretKey
    let monitor: ChainMonitor
    let pollInterval: Duration

    public var kind: ModuleKind { WalletKind.kind }
    public var schema: StorageSchema { WalletSchema.schema }

    /// The first consensus height syncs at most this many blocks below it.
    static let initialSyncDepth: UInt64 = 1_000

    public init(
        instance: ModuleInstanceID, consensus: WalletConsensusConfig, private: WalletPrivateConfig, ownPeer: PeerID,
        chain: (any WalletChainSource)?, pollInterval: Duration = .seconds(1), logger: Logger = Logger(label: "fm.wallet")
    ) throws(WalletError) {
        guard Int(ownPeer.rawValue) < consensus.peerCount else {
            throw .invalidConfig("\(ownPeer) is not one of the config's \(consensus.peerCount) guardians")
        }
        guard `private`.pegInKey.publicKey == consensus.pegInKeys[Int(ownPeer.rawValue)] else {
            throw .invalidConfig("the peg-in secret key does not match \(ownPeer)'s peg-in public key")
        }
        self.instance = instance
        self.config = consensus
        self.ownPeer = ownPeer
        pegInKey = `private`.pegInKey
        var logger = logger
        logger[metadataKey: "peer"] = "\(ownPeer.rawValue)"
        monitor = ChainMonitor(source: chain, logger: logger)
        self.pollInterval = pollInterval
    }

    // MARK: Inputs

    /// Stateless: decodes each peg-in and verifies its proof (hashes and one key tweak, no state).
    public func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] {
        try payloads.map { payload in
            let (proof, output) = try verifiedPegIn(payload)
            return try meta(proof, output)
        }
    }

    public func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta {
        let (proof, output) = try checkedPegIn(payload, db: db)
        return try meta(proof, output)
    }

    public func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta {
        let (proof, output) = try checkedPegIn(payload, db: db)
        // The primary key of wallet_utxos decides a second claim (of the same deposit earlier in this block, too).
        guard try WalletStore.insert(FederationUTXO(outPoint: proof.outPoint, value: output.value, tweakKey: proof.tweakKey), db: db) else {
            throw WalletError.alreadyClaimed(outPoint: proof.outPoint.description).rejection
        }
        return try meta(proof, output)
    }

    private func checkedPegIn(_ payload: [UInt8], db: any StorageReading) throws -> (PegInProof, TxOut) {
        let (proof, output) = try verifiedPegIn(payload)
        guard try WalletStore.height(of: proof.blockHash, db: db) != nil else {
            throw WalletError.unknownBlock(hash: proof.blockHash.displayHex).rejection
        }
        guard try !WalletStore.isKnown(proof.outPoint, db: db) else {
            throw WalletError.alreadyClaimed(outPoint: proof.outPoint.description).rejection
        }
        return (proof, output)
    }

    private func verifiedPegIn(_ payload: [UInt8]) throws -> (PegInProof, TxOut) {
        let input: WalletInput
        do { input = try WalletInput(canonicalBytes: payload) } catch {
            throw WalletError.malformed(what: "wallet input", reason: error.description).rejection
        }
        switch input {
        case .pegIn(let proof):
            let output: TxOut
            do { output = try proof.verify(config: config) } catch { throw error.rejection }
            guard output.value <= PegOut.maximumAmount, try Self.msats(output.value) > config.fees.pegIn else {
                throw WalletError.depositTooSmall(sats: output.value, feeMsat: config.fees.pegIn.msats).rejection
            }
            return (proof, output)
        }
    }

    private func meta(_ proof: PegInProof, _ output: TxOut) throws -> InputMeta {
        InputMeta(amount: try Self.msats(output.value), fee: config.fees.pegIn, spendKey: proof.tweakKey.xOnly.key)
    }

    /// `sats` as an amount in msat; a value whose msat do not fit is a rejection, never a trap.
    static func msats(_ sats: UInt64) throws -> Amount {
        do { return try Amount.sats(sats) } catch {
            throw WalletError.outOfRange(field: "value", value: "\(sats) sat", maximum: "\(UInt64.max / 1000) sat").rejection
        }
    }

    // MARK: Outputs

    /// Read-only: plans the peg-out against the committed UTXOs without recording anything.
    public func verifyOutput(_ payload: [UInt8], outPoint: FMCore.OutPoint, db: any StorageReading) throws -> OutputMeta {
        return try plannedPegOut(payload, db: db).meta
    }

    public func processOutput(_ payload: [UInt8], outPoint: FMCore.OutPoint, db: any StorageWriting) throws -> OutputMeta {
        let (plan, meta) = try plannedPegOut(payload, db: db)
        let txid = plan.transaction.txid
        for utxo in plan.inputs { try WalletStore.markSpent(utxo.outPoint, by: txid, db: db) }
        if let change = plan.change { try Self.insertChange(change, db: db) }
        try WalletStore.insertPegOut(
            plan.transaction, outPoint: outPoint, fee: try Self.fee(of: plan),
            virtualSize: PegOutPlan.estimatedVirtualSize(of: plan.transaction, config: config),
            builtAt: try WalletStore.consensusHeight(db), db: db)
        try WalletStore.setFeeSurplus(Self.adding(meta.fee.msats, to: try WalletStore.feeSurplus(db)), db: db)
        return meta
    }

    private func plannedPegOut(_ payload: [UInt8], db: any StorageReading) throws -> (plan: PegOutPlan, meta: OutputMeta) {
        let output: WalletOutput
        do { output = try WalletOutput(canonicalBytes: payload) } catch {
            throw WalletError.malformed(what: "wallet output", reason: error.description).rejection
        }
        switch output {
        case .pegOut(let pegOut):
            let required = try consensusFeeRate(db)
            guard pegOut.feeRate >= required else {
                throw WalletError.feeRateTooLow(offered: pegOut.feeRate, required: required).rejection
            }
            let spendable = try WalletStore.spendable(db)
            let plan: PegOutPlan
            do { plan = try PegOutPlan(pegOut: pegOut, utxos: spendable, config: config) } catch { throw error.rejection }
            let value: Amount
            do { value = try pegOut.value } catch { throw WalletError.malformed(what: "peg-out", reason: "amount overflows").rejection }
            let fee: Amount
            do { fee = try pegOut.federationFee(config: config) } catch { throw error.rejection }
            return (plan, OutputMeta(amount: value, fee: fee))
        }
    }

    /// A new transaction's change output: its outpoint cannot be recorded already (its txid is new).
    static func insertChange(_ change: FederationUTXO, db: any StorageWriting) throws {
        guard try WalletStore.insert(change, db: db) else { throw WalletStorageError.changeAlreadyRecorded(change.outPoint.description) }
    }

    /// What `plan`'s transaction pays the miners (its inputs minus its outputs), sat.
    static func fee(of plan: PegOutPlan) throws -> UInt64 {
        var total: UInt64 = 0
        for input in plan.inputs { total = adding(input.value, to: total) }
        for output in plan.transaction.outputs {
            guard total >= output.value else { throw WalletError.malformed(what: "peg-out", reason: "outputs exceed inputs").rejection }
            total -= output.value
        }
        return total
    }

    /// `a + b`, at most `Int64.max` (what the database stores): a sum of fees never traps.
    static func adding(_ a: UInt64, to b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? UInt64(Int64.max) : min(sum, UInt64(Int64.max))
    }

    public func outputOutcome(_ outPoint: FMCore.OutPoint, db: any StorageReading) throws -> [UInt8]? {
        return try WalletStore.pegOutTxid(at: outPoint, db: db).map { WalletOutputOutcome.pegOut(txid: $0).canonicalBytes }
    }

    // MARK: Consensus items

    public func consensusProposal(db: any StorageReading) throws -> [[UInt8]] {
        var items: [WalletConsensusItem] = []
        let chain = monitor.snapshot
        if let tip = chain.tipHeight, tip > UInt64(config.finalityDelay) {
            let vote = min(tip - UInt64(config.finalityDelay), UInt64(UInt32.max))
            if vote > (try WalletStore.heightVote(of: ownPeer, db: db) ?? 0) {
                items.append(.blockHeight(UInt32(vote), voter: ownPeer))
            }
        }
        if chain.tipHeight != nil {
            let estimate = min(chain.feeRate ?? config.defaultFeeRate, PegOut.maximumFeeRate)
            let rate = max(estimate, WalletConsensusConfig.minimumFeeRate)
            if try WalletStore.feeRateVote(of: ownPeer, db: db) != rate {
                items.append(.feeRate(rate, voter: ownPeer, atHeight: try WalletStore.consensusHeight(db)))
            }
        }
        items += try chainFactVotes(chain, db: db)
        for pegOut in try WalletStore.unsignedPegOuts(db) where try !WalletStore.hasShare(pegOut.txid, from: ownPeer, db: db) {
            let utxos = try inputs(of: pegOut.unsigned, db: db)
            items.append(.pegOutSignatures(try PegOutSigning.sign(pegOut.unsigned, utxos: utxos, key: pegInKey, config: config)))
        }
        return items.map(\.canonicalBytes)
    }

    public func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws {
        let item: WalletConsensusItem
        do { item = try WalletConsensusItem(canonicalBytes: payload) } catch {
            throw WalletError.malformed(what: "wallet consensus item", reason: error.description).rejection
        }
        guard Int(peer.rawValue) < config.peerCount else {
            throw WalletError.invalidConfig("\(peer) is not a guardian of this federation").rejection
        }
        switch item {
        case .blockHeight(let height, let voter):
            guard voter == peer else { throw WalletError.voteNotFromProposer(voter: voter, proposer: peer).rejection }
            try WalletStore.recordHeightVote(UInt64(height), of: peer, db: db)
            try advanceConsensusHeight(db)
        case .feeRate(let rate, let voter, _):
            guard voter == peer else { throw WalletError.voteNotFromProposer(voter: voter, proposer: peer).rejection }
            try WalletStore.recordFeeRateVote(rate, of: peer, db: db)
            try bumpStuckPegOuts(db)
        case .pegOutSignatures(let share):
            try processShare(share, from: peer, db: db)
        case .blockHashes(let first, let hashes, let voter):
            guard voter == peer else { throw WalletError.voteNotFromProposer(voter: voter, proposer: peer).rejection }
            try ChainFacts.recordHashVotes(first: first, hashes: hashes, from: peer, threshold: config.threshold, db: db)
        case .confirmations(let confirmations, let voter):
            guard voter == peer else { throw WalletError.voteNotFromProposer(voter: voter, proposer: peer).rejection }
            try ChainFacts.recordConfirmationVotes(confirmations, from: peer, threshold: config.threshold, db: db)
        case .scannedThrough(let height, let voter):
            guard voter == peer else { throw WalletError.voteNotFromProposer(voter: voter, proposer: peer).rejection }
            if try ChainFacts.recordScanVote(height, from: peer, threshold: config.threshold, db: db) { try bumpStuckPegOuts(db) }
        }
    }

    /// This guardian's chain-fact votes (``ChainFacts``) that consensus state does not hold yet: what its node
    /// showed on the last background poll for the heights and transactions votes are taken for.
    private func chainFactVotes(_ chain: ChainMonitor.Snapshot, db: any StorageReading) throws -> [WalletConsensusItem] {
        var items: [WalletConsensusItem] = []
        if let window = try ChainFacts.hashWindow(db) {
            let mine = try WalletStore.hashVotes(of: ownPeer, db: db)
            var run: (first: UInt64, hashes: [FMBitcoin.Hash256])?
            for height in window {
                guard let hash = chain.hashes[height], mine[height] != hash, try WalletStore.blockHash(at: height, db: db) == nil else {
                    if let done = run { items.append(.blockHashes(first: done.first, hashes: done.hashes, voter: ownPeer)) }
                    run = nil
                    continue
                }
                if run == nil { run = (height, []) }
                run?.hashes.append(hash)
            }
            if let done = run { items.append(.blockHashes(first: done.first, hashes: done.hashes, voter: ownPeer)) }
        }
        let mine = try WalletStore.confirmationVotes(of: ownPeer, db: db)
        var confirmations: [TransactionConfirmation] = []
        for (txid, height) in chain.found.sorted(by: { $0.key < $1.key }) where mine[txid] != height {
            guard confirmations.count < WalletConsensusItem.maximumChainVotes,
                try WalletStore.confirmation(of: txid, db: db) == .some(nil), try WalletStore.blockHash(at: height, db: db) != nil
            else { continue }
            confirmations.append(TransactionConfirmation(txid: txid, height: height))
        }
        if !confirmations.isEmpty { items.append(.confirmations(confirmations, voter: ownPeer)) }
        if let scanned = try scanVote(chain, db: db) { items.append(.scannedThrough(scanned, voter: ownPeer)) }
        return items
    }

    /// How far this guardian vouches it scanned the final blocks (``WalletConsensusItem/scannedThrough(_:voter:)``),
    /// if above its last vote: what its last reads covered, but below every block where it found a federation
    /// transaction whose confirmation is not agreed yet (so the agreed scan never passes a mined, unconfirmed one).
    private func scanVote(_ chain: ChainMonitor.Snapshot, db: any StorageReading) throws -> UInt64? {
        guard let scanned = chain.scannedThrough else { return nil }
        let pending = try chain.found.filter { try WalletStore.confirmation(of: $0.key, db: db) == .some(nil) }.values.min()
        let vote = pending.map { min(scanned, $0 > 0 ? $0 - 1 : 0) } ?? scanned
        guard vote > (try WalletStore.scanVote(of: ownPeer, db: db) ?? 0), vote <= (try Self.agreedHeight(db)) else { return nil }
        return vote
    }

    /// The highest block height the federation counts as final (0 before the first votes).
    public func consensusHeight(db: any StorageReading) throws -> UInt64 { try WalletStore.consensusHeight(db) }

    /// The median of the n latest height votes (missing votes count as 0).
    static func medianHeight(votes: [UInt64], peers: Int) -> UInt64 {
        var all = votes + Array(repeating: 0, count: max(0, peers - votes.count))
        all.sort()
        return all[peers / 2]
    }

    /// Raises the consensus height to the median vote; reads nothing from any node (the new final heights' hashes
    /// arrive as chain-fact votes). The first rise fixes where hash agreement starts.
    private func advanceConsensusHeight(_ db: any StorageWriting) throws {
        let old = try WalletStore.consensusHeight(db)
        let new = Self.medianHeight(votes: try WalletStore.heightVotes(db), peers: config.peerCount)
        guard new > old else { return }
        if old == 0 { try ChainFacts.startSync(consensusHeight: new, depth: Self.initialSyncDepth, db: db) }
        try WalletStore.setConsensusHeight(new, db: db)
        try bumpStuckPegOuts(db)
    }

    /// The highest final height below which every hash is agreed (what `wallet/block_height` answers: a deposit
    /// at or below it can be claimed).
    static func agreedHeight(_ db: any StorageReading) throws -> UInt64 {
        let next = try WalletStore.nextHashHeight(db)
        return min(try WalletStore.consensusHeight(db), next > 0 ? next - 1 : 0)
    }

    /// Builds the CPFP child of every unconfirmed package whose trigger holds (``PegOutFeeBump``; docs/wallet.md,
    /// "Fee bump"). Runs after each fee-rate vote, height advance and scan advance, from consensus state only, so every guardian
    /// builds the same children. The child spends the package's change and its output becomes the spendable change;
    /// its fee leaves the assets and the fee surplus. It is then signed like a peg-out.
    /// A package counts only heights t guardians scanned for its members (a peg-out mined while the consensus height
    /// jumped ahead of the scans is not taken for stuck); a child records the consensus height it is built at.
    private func bumpStuckPegOuts(_ db: any StorageWriting) throws {
        let rate = try consensusFeeRate(db)
        let height = try WalletStore.consensusHeight(db)
        let scanned = min(height, try WalletStore.scannedThrough(db))
        for change in try WalletStore.unconfirmedChanges(db) where change.tweakKey == nil {
            guard let package = try Self.package(endingWith: change.outPoint.txid, db: db) else { continue }
            let surplus = try WalletStore.feeSurplus(db)
            let bump: PegOutFeeBump
            do {
                bump = try PegOutFeeBump(
                    package: package, spending: change, rate: rate, consensusHeight: scanned, surplus: surplus / 1000, config: config)
            } catch .notDue {
                continue
            } catch {
                monitor.logger.warning("peg-out \(change.outPoint.txid) is due a fee bump but none is built: \(error)")
                continue
            }
            try WalletStore.markSpent(change.outPoint, by: bump.transaction.txid, db: db)
            try Self.insertChange(bump.change, db: db)
            try WalletStore.insertPegOut(
                bump.transaction, outPoint: nil, fee: bump.fee,
                virtualSize: PegOutPlan.estimatedVirtualSize(of: bump.transaction, config: config), builtAt: height, db: db)
            try WalletStore.setFeeSurplus(surplus - bump.fee * 1000, db: db)
            monitor.logger.info("fee bump \(bump.transaction.txid) of \(bump.fee) sat for peg-out \(change.outPoint.txid) at \(rate) sat/kvB")
        }
    }

    /// The unconfirmed federation transactions `txid` descends from, itself last; `nil` if one of them was built
    /// before fees and sizes were recorded (such a package is never bumped).
    static func package(endingWith txid: FMBitcoin.Hash256, db: any StorageReading) throws -> [PegOutFeeBump.Ancestor]? {
        var package: [PegOutFeeBump.Ancestor] = []
        var seen: Set<FMBitcoin.Hash256> = []
        var pending = [txid]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            switch try WalletStore.packageMember(next, db: db) {
            case .confirmedOrForeign: continue
            case .unknown: return nil
            case .member(let ancestor, let transaction):
                package.insert(ancestor, at: 0)
                pending += transaction.inputs.map(\.previousOutput.txid)
            }
        }
        return package
    }

    /// The median of the guardians' fee rate votes, or the config's default before anyone voted.
    func consensusFeeRate(_ db: any StorageReading) throws -> UInt64 {
        let votes = try WalletStore.feeRateVotes(db).sorted()
        return votes.isEmpty ? config.defaultFeeRate : votes[votes.count / 2]
    }

    private func processShare(_ share: PegOutSignatureShare, from peer: PeerID, db: any StorageWriting) throws {
        guard let pegOut = try WalletStore.pegOut(share.txid, db: db) else {
            throw WalletError.invalidSignatureShare(peer: peer, reason: "no peg-out \(share.txid)").rejection
        }
        // Late shares (after t) and repeated ones change nothing.
        guard pegOut.signed == nil, try !WalletStore.hasShare(share.txid, from: peer, db: db) else { return }
        let utxos = try inputs(of: pegOut.unsigned, db: db)
        do {
            try PegOutSigning.verify(share, from: peer, transaction: pegOut.unsigned, utxos: utxos, config: config)
        } catch let error as WalletError { throw error.rejection }
        try WalletStore.insertShare(share, from: peer, db: db)
        let shares = try WalletStore.shares(share.txid, db: db)
        if shares.count == config.threshold {
            let signed = try PegOutSigning.finalize(pegOut.unsigned, utxos: utxos, shares: shares, config: config)
            try WalletStore.storeSigned(signed, db: db)
            monitor.logger.info("peg-out \(share.txid) signed by \(shares.map(\.peer.rawValue)); broadcasting")
        }
    }

    private func inputs(of transaction: FMBitcoin.Transaction, db: any StorageReading) throws -> [FederationUTXO] {
        try transaction.inputs.map { input in
            guard let utxo = try WalletStore.utxo(input.previousOutput, db: db) else {
                throw WalletStorageError.utxoNotSpendable(input.previousOutput.description)
            }
            return utxo
        }
    }

    // MARK: Client API

    /// `wallet/block_height` (the highest final height whose hash, and every one below it, is agreed:
    /// ``agreedHeight(_:)``) and `wallet/peg_out_fees` (the fee rate and the fee a peg-out needs now), both from
    /// committed consensus state, so t guardians give the same answer.
    public var apiEndpoints: [ModuleEndpoint] {
        [
            .typed("block_height", summary: "The highest bitcoin block the federation counts as final.") {
                (_: [String: String], db: any StorageReading) in
                WalletBlockHeight(consensusBlockHeight: try Self.agreedHeight(db))
            },
            .typed("peg_out_fees", summary: "The fee rate (sat/kvB), fee (sat), dust given to miners (sat) and bump reserve (sat) a peg-out needs now.") {
                (request: PegOutFeeRequest, db: any StorageReading) in
                        guard let address = try? SegwitAddress(request.address, network: config.network) else {
                    throw WalletError.invalidAddress(request.address, network: config.network.rawValue)
                }
                let rate = max(request.feeRate ?? 0, try consensusFeeRate(db))
                return try PegOutPlan.quote(
                    address: address, amount: request.amountSats, rate: rate, utxos: try WalletStore.spendable(db), config: config)
            },
        ]
    }

    // MARK: Audit

    /// Assets: the federation's spendable bitcoin (claimed deposits and peg-out change, in msat). Liabilities: none;
    /// what the federation owes its users is the mint's notes, and a peg-out's payment left the assets when it was
    /// accepted.
    public func audit(db: any StorageReading) throws -> ModuleAudit {
        return ModuleAudit(assets: try Self.msats(try WalletStore.spendableTotal(db)), liabilities: .zero)
    }

    // MARK: Background

    public func runBackground(storage: any Storage) async throws {
        guard monitor.source != nil else { return }
        while !Task.isCancelled {
            await backgroundTick(storage: storage)
            try await Task.sleep(for: pollInterval)
        }
    }

    /// One round of background work: refresh the view of the bitcoin node (tip, fee rate, the chain facts this
    /// guardian votes), then send every signed peg-out the node has not reported confirmed.
    /// ``runBackground(storage:)`` does this every poll interval.
    public func backgroundTick(storage: any Storage) async {
        guard let source = monitor.source else { return }
        await monitor.poll()
        if let reads = try? await storage.read({ db in try chainFactReads(db) }) {
            await monitor.readChainFacts(window: reads.window, scan: reads.scan, unconfirmed: reads.unconfirmed)
        }
        let signed = (try? await storage.read { db in try WalletStore.signedPegOuts(db) }) ?? []
        let confirmed = monitor.snapshot.confirmed
        for pegOut in signed where !confirmed.contains(pegOut.txid) {
            guard let transaction = pegOut.signed else { continue }
            switch try? await send(transaction, isBump: pegOut.isBump, signed: signed, source: source) {
            case .confirmed: monitor.markConfirmed(pegOut.txid)
            case .rejected(let reason):
                if monitor.firstRefusal(pegOut.txid) {
                    monitor.logger.warning("bitcoin node refused peg-out \(pegOut.txid) (will retry): \(reason)")
                }
            case .accepted, nil: break
            }
        }
    }

    /// A bump goes with its parent as a package (`submitpackage`): the parent may be below the mempool minimum,
    /// so it cannot enter alone. Its earlier ancestors were sent before it (build order, `seq`); Core accepts only a child
    /// with direct parents, so a chain of several stuck ancestors confirms as far as each reaches the mempool.
    private func send(
        _ transaction: FMBitcoin.Transaction, isBump: Bool, signed: [WalletStore.StoredPegOut], source: any WalletChainSource
    ) async throws -> BroadcastResult {
        guard isBump, let parentTxid = transaction.inputs.first?.previousOutput.txid,
            let parent = signed.first(where: { $0.txid == parentTxid })?.signed,
            !monitor.snapshot.confirmed.contains(parentTxid)
        else { return try await source.broadcast(transaction) }
        return try await source.broadcastPackage([parent, transaction])
    }

    /// What the next chain-fact read covers, from committed state: the hash window, and the agreed final blocks
    /// (at most ``ChainMonitor/blocksPerPoll``) above those already read in this run that may hold an unconfirmed
    /// federation transaction (none is mined at or below the consensus height it was built at).
    private func chainFactReads(_ db: any StorageReading) throws
        -> (window: ClosedRange<UInt64>?, scan: [(height: UInt64, hash: FMBitcoin.Hash256)], unconfirmed: Set<FMBitcoin.Hash256>)
    {
        let window = try ChainFacts.hashWindow(db)
        let unconfirmed = try WalletStore.unconfirmedTransactions(db)
        guard !unconfirmed.isEmpty, let lowest = try WalletStore.lowestAgreedHeight(db) else { return (window, [], []) }
        let built = unconfirmed.map { $0.builtAt ?? 0 }.min() ?? 0
        var from = max(lowest, built)
        if let scanned = monitor.snapshot.scannedThrough { from = max(from, scanned + 1) }
        let next = try WalletStore.nextHashHeight(db)
        var scan: [(height: UInt64, hash: FMBitcoin.Hash256)] = []
        var height = from
        while height < next, scan.count < ChainMonitor.blocksPerPoll, let hash = try WalletStore.blockHash(at: height, db: db) {
            scan.append((height, hash))
            height += 1
        }
        return (window, scan, Set(unconfirmed.map(\.txid)))
    }

    public var backgroundStatus: String {
        guard monitor.source != nil else { return "no bitcoin node configured: the wallet does not vote" }
        let chain = monitor.snapshot
        if let error = chain.lastError { return "bitcoin node unreachable: \(error)" }
        guard let tip = chain.tipHeight else { return "connecting to the bitcoin node" }
        return "bitcoin node at height \(tip)"
    }
}

extension WalletError {
    /// This error as the reason a guardian gives for rejecting a transaction.
    public var rejection: TransactionRejection { TransactionRejection(code: code, message: description) }
}
