import FMCore
import FMCrypto
import FMEncoding
import FMLightningCommon
import FMServerCore
import FMSecp256k1
import FMStorage
import Foundation

/// The guardian side of the Lightning module (docs/lightning.md).
///
/// Outputs fund contracts; inputs spend them. A contract is stored by id when its output is processed and moves
/// from `funded` to `claimed` or `refunded` exactly once (``LightningStore/spend(_:to:preimage:db:)`` updates only a
/// funded row). Inputs carry their whole contract, so ``inputMetas(_:)`` needs no state; the stateful check requires
/// that exact contract to be funded. Timelocks are read against consensus time, the median of the guardians' clock
/// votes (``LightningConsensusItem/timeVote(_:)``), so every guardian reaches the same verdict from the same log.
public struct LightningServerModule: ServerModule {
    public let instance: ModuleInstanceID
    public let config: LightningConsensusConfig
    public let ownPeer: PeerID
    let encryptionKeyShare: SecretKeyShare
    let registry: GatewayRegistry
    /// This guardian's clock, unix seconds (votes and the registry's TTLs; never a verdict on a transaction).
    let clock: @Sendable () -> UInt64
    /// A new time vote is proposed once the clock has moved this far past this guardian's last vote, while a
    /// contract is funded (its timelock or expiry must be seen soon after it passes).
    let voteInterval: UInt64
    /// The interval while no contract is funded: consensus time then only bounds new timelocks, which a few minutes'
    /// staleness does not weaken, and an idle federation should not order a vote every few seconds (issue 20's
    /// idle cost: n votes per interval each wake the consensus).
    var idleVoteInterval: UInt64 { max(voteInterval, 60 * voteInterval) }
    /// TEST ONLY (`FM_TEST_LN_INVALID_SHARES`, ``LightningServerInit/servesInvalidSharesForTesting``): every decryption
    /// share this guardian serves is wrong but well formed. The stored share stays honest (the state is the same as
    /// at every guardian); a production federation's guardian refuses to start with it (GuardianNode).
    public let servesInvalidShares: Bool

    public var kind: ModuleKind { LightningKind.kind }
    public var schema: StorageSchema { LightningSchema.schema }

    public init(
        instance: ModuleInstanceID, consensus: LightningConsensusConfig, private: LightningPrivateConfig, ownPeer: PeerID,
        clock: @escaping @Sendable () -> UInt64 = LightningServerModule.systemClock, voteInterval: UInt64 = 10,
        registry: GatewayRegistry = GatewayRegistry(), servesInvalidSharesForTesting: Bool = false
    ) throws(LightningError) {
        guard Int(ownPeer.rawValue) < consensus.peerCount else {
            throw .invalidConfig("\(ownPeer) is not one of the config's \(consensus.peerCount) guardians")
        }
        try consensus.checkKeys()
        guard try `private`.encryptionKeyShare.publicKeyShare == consensus.encryptionKeyShare(Int(ownPeer.rawValue)) else {
            throw .invalidConfig("the encryption key share does not match \(ownPeer)'s public key share")
        }
        self.instance = instance
        self.config = consensus
        self.ownPeer = ownPeer
        self.encryptionKeyShare = `private`.encryptionKeyShare
        self.clock = clock
        self.voteInterval = max(1, voteInterval)
        self.registry = registry
        self.servesInvalidShares = servesInvalidSharesForTesting
    }

    public static let systemClock: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }

    // MARK: Inputs

    /// Stateless: decodes each input, checks its preimage or cancellation signature, and names its amount and key.
    /// Two inputs of one contract are refused here, before any pairing (review 2: the decryption check of an incoming
    /// input costs about 7 pairings and runs before state is read, so one contract's public shares repeated in 1,000
    /// inputs made one transaction cost ~1,000 decryptions at every guardian; a contract is spent at most once anyway).
    public func inputMetas(_ payloads: [[UInt8]]) throws -> [InputMeta] {
        var seen = Set<ContractID>()
        return try payloads.map { payload throws(TransactionRejection) in
            let input = try Self.decodeInput(payload)
            guard seen.insert(input.contractID).inserted else {
                throw LightningError.contractSpent(input.contractID, state: "twice in this transaction").rejection
            }
            do throws(LightningError) { try input.checkStateless() } catch { throw error.rejection }
            return InputMeta(amount: input.amount, fee: config.fees.contractInput, spendKey: input.spendKey)
        }
    }

    /// The pairings: an incoming input's decryption shares are checked and combined, and the plaintext must fit the
    /// branch (the receiver's claim: the preimage of the payment hash; the gateway's refund: anything else).
    public func verifyInputProofs(_ payloads: [[UInt8]]) throws {
        for payload in payloads {
            let input = try Self.decodeInput(payload)
            do throws(LightningError) { try input.checkDecryption(config: config) } catch { throw error.rejection }
        }
    }

    /// An incoming input's decryption check verifies t shares and combines them (about 2t + 1 pairings, t + 1 mint
    /// notes); the others check no pairing. Read from the variant index only.
    public func proofCost(ofInput payload: [UInt8]) -> Int {
        var decoder = CanonicalDecoder(payload)
        guard let (variant, _) = try? decoder.readVariant(), LightningInput.incomingVariants.contains(variant) else { return 1 }
        return config.threshold + 1
    }

    /// An incoming input whose contract is not funded in committed state waits for the stateful check (review 2: its
    /// ~7 pairings ran before any state was read, so 1,000 inputs naming unfunded contracts cost ~8.5 s at every
    /// guardian). Such an input is then rejected by a look-up, unless an earlier transaction of the same block funded
    /// the contract: its shares are then checked inside the block's write transaction, with the same verdict.
    public func deferredProofs(_ payloads: [[UInt8]], committed: any StorageReading) throws -> Set<Int> {
        var deferred = Set<Int>()
        for (index, payload) in payloads.enumerated() {
            let input = try Self.decodeInput(payload)
            switch input {
            case .incomingClaim, .incomingRefund:
                if try LightningStore.contract(input.contractID, db: committed)?.state != .funded { deferred.insert(index) }
            case .outgoingClaim, .outgoingRefund:
                break
            }
        }
        return deferred
    }

    public func verifyInput(_ payload: [UInt8], db: any StorageReading) throws -> InputMeta { try verifyInputs([payload], db: db)[0] }
    public func processInput(_ payload: [UInt8], db: any StorageWriting) throws -> InputMeta { try processInputs([payload], db: db)[0] }

    /// Read-only: every input's contract is funded (``inputMetas(_:)`` refused one contract twice), timelocks hold.
    public func verifyInputs(_ payloads: [[UInt8]], db: any StorageReading) throws -> [InputMeta] {
        let metas = try inputMetas(payloads)
        for payload in payloads { try checkSpendable(try Self.decodeInput(payload), db: db) }
        return metas
    }

    /// Applies the inputs: each contract moves out of `funded` (once), a claim's preimage is recorded (once).
    public func processInputs(_ payloads: [[UInt8]], db: any StorageWriting) throws -> [InputMeta] {
        let metas = try inputMetas(payloads)
        for payload in payloads {
            let input = try Self.decodeInput(payload)
            try checkSpendable(input, db: db)
            let id = input.contractID
            switch input {
            case .outgoingClaim(let contract, let preimage):
                guard try LightningStore.markPreimageUsed(contract.paymentHash, by: id, db: db) else {
                    throw LightningError.invoiceAlreadyPaid(paymentHash: contract.paymentHash).rejection
                }
                guard try LightningStore.spend(id, to: .claimed, preimage: preimage.bytes, db: db) else {
                    throw LightningError.contractSpent(id, state: "spent in this transaction").rejection
                }
            case .incomingClaim:
                // The preimage is not stored: the shares in the input reveal it to whoever needs it (the gateway
                // decrypts from the guardians' shares itself).
                guard try LightningStore.spend(id, to: .claimed, preimage: nil, db: db) else {
                    throw LightningError.contractSpent(id, state: "spent in this transaction").rejection
                }
            case .outgoingRefund, .incomingRefund:
                guard try LightningStore.spend(id, to: .refunded, preimage: nil, db: db) else {
                    throw LightningError.contractSpent(id, state: "spent in this transaction").rejection
                }
            }
            try LightningStore.subtract(input.amount, db: db)
        }
        return metas
    }

    /// The stateful conditions of spending `input`: its contract is funded; a claim comes before the timelock and its
    /// preimage has not opened another contract; a refund without cancellation waits for the timelock.
    func checkSpendable(_ input: LightningInput, db: any StorageReading) throws {
        let id = input.contractID
        guard let stored = try LightningStore.contract(id, db: db) else { throw LightningError.unknownContract(id).rejection }
        guard stored.state == .funded else { throw LightningError.contractSpent(id, state: stored.state.rawValue).rejection }
        switch input {
        case .outgoingClaim(let contract, _):
            // A clear cut-off: from the timelock on only the user's refund is valid, so the user's refund never races
            // a late claim (as in Fedimint's LNv2).
            let now = try LightningStore.consensusTime(peerCount: config.peerCount, db: db)
            guard now < contract.timelock else {
                throw LightningError.claimExpired(contract: id, timelock: contract.timelock, consensusTime: now).rejection
            }
            if try LightningStore.isPreimageUsed(contract.paymentHash, db: db) {
                throw LightningError.invoiceAlreadyPaid(paymentHash: contract.paymentHash).rejection
            }
        case .outgoingRefund(let contract, nil):
            let now = try LightningStore.consensusTime(peerCount: config.peerCount, db: db)
            guard now >= contract.timelock else {
                throw LightningError.timelockNotExpired(contract: id, timelock: contract.timelock, consensusTime: now).rejection
            }
        case .outgoingRefund(_, .some), .incomingClaim, .incomingRefund:
            // Incoming inputs: the branch was decided by the decryption (``verifyInputProofs(_:)``).
            break
        }
    }

    static func decodeInput(_ payload: [UInt8]) throws(TransactionRejection) -> LightningInput {
        do { return try LightningInput(canonicalBytes: payload) } catch {
            throw LightningError.malformed(what: "ln input", reason: error.description).rejection
        }
    }

    // MARK: Outputs

    public func verifyOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageReading) throws -> OutputMeta {
        return try checkFundable(try Self.decodeOutput(payload), db: db)
    }

    public func processOutput(_ payload: [UInt8], outPoint: OutPoint, db: any StorageWriting) throws -> OutputMeta {
        let output = try Self.decodeOutput(payload)
        let meta = try checkFundable(output, db: db)
        switch output {
        case .outgoing(let contract):
            try LightningStore.insertFunded(
                id: contract.id, direction: "outgoing", paymentHash: contract.paymentHash, amount: contract.amount,
                contract: contract.canonicalBytes, userKey: contract.userRefundKey, outPoint: outPoint, db: db)
        case .incoming(let contract):
            // Funded: only now does this guardian make its decryption share (the ciphertext was checked valid for
            // these terms by ``checkFundable(_:db:)``).
            guard let share = ThresholdEncryption.decryptionShare(
                for: contract.ciphertext, associatedData: contract.terms.associatedData,
                with: DecryptionKeyShare(encryptionKeyShare))
            else { throw LightningError.invalidContract("the ciphertext is not valid for the contract's terms").rejection }
            try LightningStore.insertFunded(
                id: contract.id, direction: "incoming", paymentHash: contract.terms.paymentHash, amount: contract.amount,
                contract: contract.canonicalBytes, userKey: contract.terms.receiverClaimKey,
                decryptionShare: share.canonicalBytes, outPoint: outPoint, db: db)
        }
        return meta
    }

    /// A new contract, a timelock within range of consensus time, and (outgoing) an invoice neither in flight nor paid.
    func checkFundable(_ output: LightningOutput, db: any StorageReading) throws -> OutputMeta {
        let id = output.contractID
        if try LightningStore.contract(id, db: db) != nil { throw LightningError.contractExists(id).rejection }
        switch output {
        case .outgoing(let contract):
            let now = try LightningStore.consensusTime(peerCount: config.peerCount, db: db)
            guard now > 0 else { throw LightningError.noConsensusTime.rejection }
            guard contract.timelock > now, contract.timelock - now <= config.maxTimelockDelta else {
                throw LightningError.timelockOutOfRange(
                    timelock: contract.timelock, consensusTime: now, maxDelta: config.maxTimelockDelta
                ).rejection
            }
            if try LightningStore.isPreimageUsed(contract.paymentHash, db: db) {
                throw LightningError.invoiceAlreadyPaid(paymentHash: contract.paymentHash).rejection
            }
            if try LightningStore.hasLiveOutgoing(contract.paymentHash, db: db) {
                throw LightningError.invoiceInFlight(paymentHash: contract.paymentHash).rejection
            }
        case .incoming(let contract):
            let now = try LightningStore.consensusTime(peerCount: config.peerCount, db: db)
            guard now > 0 else { throw LightningError.noConsensusTime.rejection }
            guard now < contract.terms.expiration else {
                throw LightningError.invalidContract("it expired at consensus time \(contract.terms.expiration), it is \(now)").rejection
            }
            guard contract.isValid else {
                throw LightningError.invalidContract("the encrypted preimage is not valid for the contract's terms").rejection
            }
        }
        return OutputMeta(amount: output.amount, fee: config.fees.contractOutput)
    }

    static func decodeOutput(_ payload: [UInt8]) throws(TransactionRejection) -> LightningOutput {
        do { return try LightningOutput(canonicalBytes: payload) } catch {
            throw LightningError.malformed(what: "ln output", reason: error.description).rejection
        }
    }

    public func outputOutcome(_ outPoint: OutPoint, db: any StorageReading) throws -> [UInt8]? {
        guard let (id, share) = try LightningStore.contract(at: outPoint, db: db) else { return nil }
        guard let share else { return LightningOutputOutcome.outgoingFunded(id).canonicalBytes }
        return LightningOutputOutcome.incomingFunded(id, share: try served(share)).canonicalBytes
    }

    /// The stored share as this guardian serves it: as stored, or (test fault) doubled, a valid G2 point that fails
    /// the share equation e(H, D) = e(W, pk_i), so clients must name this guardian and decrypt without it.
    func served(_ stored: [UInt8]) throws -> DecryptionShare {
        let share = try DecryptionShare(canonicalBytes: stored)
        return servesInvalidShares ? DecryptionShare(share.point.doubled()) : share
    }

    // MARK: Consensus items

    /// A time vote once this guardian's clock has moved ``voteInterval`` past its last recorded vote (or
    /// ``idleVoteInterval`` while no contract is funded).
    public func consensusProposal(db: any StorageReading) throws -> [[UInt8]] {
        let now = min(clock(), LightningBounds.maxTimestamp)
        let last = try LightningStore.vote(of: ownPeer, db: db) ?? 0
        let interval = try LightningStore.hasFundedContract(db: db) ? voteInterval : idleVoteInterval
        guard now >= last &+ interval || last == 0 else { return [] }
        return [LightningConsensusItem.timeVote(now).canonicalBytes]
    }

    public func processConsensusItem(_ payload: [UInt8], from peer: PeerID, db: any StorageWriting) throws {
        let item: LightningConsensusItem
        do { item = try LightningConsensusItem(canonicalBytes: payload) } catch {
            throw LightningError.malformed(what: "ln consensus item", reason: error.description).rejection
        }
        switch item {
        case .timeVote(let seconds):
            guard try LightningStore.recordVote(seconds, from: peer, db: db) else {
                throw TransactionRejection(code: "stale_time_vote", message: "\(peer)'s time vote \(seconds) is not later than its last")
            }
        }
    }

    // MARK: Audit and digest

    /// Liabilities: the msat in funded contracts (owed to a gateway or a user). The module holds no assets: the
    /// notes that funded a contract left the mint's liabilities in the same transaction.
    public func audit(db: any StorageReading) throws -> ModuleAudit {
        return ModuleAudit(assets: .zero, liabilities: try LightningStore.total(db: db))
    }

    public func stateDigest(db: any StorageReading) throws -> [UInt8] {
        var builder = StateDigestBuilder()
        try builder.add("totals", rowsOf: "SELECT name, msats FROM ln_totals ORDER BY name", db: db)
        try builder.add("votes", rowsOf: "SELECT peer, seconds FROM ln_time_votes ORDER BY peer", db: db)
        try builder.add(
            "contracts", rowsOf: "SELECT contract_id, state, preimage FROM ln_contracts ORDER BY contract_id", db: db)
        return builder.digest
    }

    // MARK: API

    public var apiEndpoints: [ModuleEndpoint] {
        let config = config
        let registry = registry
        let clock = clock
        let decryptionShare = ModuleEndpoint.typed(
            LightningAPI.decryptionShare, summary: "This guardian's decryption share of a funded incoming contract"
        ) { (params: LightningAPI.ContractParams, db) -> LightningAPI.DecryptionShareResult in
            guard let share = try LightningStore.decryptionShare(params.contractId, db: db) else {
                throw LightningError.unknownContract(params.contractId)
            }
            return LightningAPI.DecryptionShareResult(share: Hex.encode(try served(share).canonicalBytes))
        }
        return [
            .typed(LightningAPI.consensusTime, summary: "The federation's agreed time (median of the guardians' votes), unix seconds") {
                (_: EmptyParams, db) -> LightningAPI.ConsensusTimeResult in
                return LightningAPI.ConsensusTimeResult(seconds: try LightningStore.consensusTime(peerCount: config.peerCount, db: db))
            },
            .typed(LightningAPI.contract, summary: "A contract's state (funded, claimed with its preimage, refunded)") {
                (params: LightningAPI.ContractParams, db) -> LightningAPI.ContractResult in
                guard let stored = try LightningStore.contract(params.contractId, db: db) else {
                    throw LightningError.unknownContract(params.contractId)
                }
                return LightningAPI.ContractResult(
                    contractId: stored.id, state: stored.state, amountMsat: stored.amount.msats,
                    preimage: stored.preimage.map { Hex.encode($0) })
            },
            decryptionShare,
            decryptionShare.longPoll(
                as: LightningAPI.awaitDecryptionShare,
                summary: "Waits (at most \(LightningAPI.awaitLimit)) until an incoming contract is funded; then as decryption_share",
                until: [LightningError.unknownContractCode], limit: LightningAPI.awaitLimit),
            .typed(LightningAPI.contractsByKey, summary: "The contracts whose user key is one of these (recovery)") {
                (params: LightningAPI.ContractsByKeyParams, db) -> LightningAPI.ContractsByKeyResult in
                guard params.keys.count <= LightningAPI.maxKeysPerCall else {
                    throw ModuleEndpointError.invalidParams(field: "keys", expected: "at most \(LightningAPI.maxKeysPerCall) keys")
                }
                let keys = try params.keys.enumerated().map { index, text in
                    guard let raw = Hex.decode(text), let key = try? XOnlyPublicKey(rawRepresentation: raw) else {
                        throw ModuleEndpointError.invalidParams(field: "keys.\(index)", expected: "hex of a 32-byte x-only key")
                    }
                    return key
                }
                return LightningAPI.ContractsByKeyResult(contracts: try LightningStore.contracts(userKeys: keys, db: db).map {
                    LightningAPI.KeyedContract(contract: Hex.encode($0.contract), state: $0.state)
                })
            },
            .typed(LightningAPI.announceGateway, summary: "Post a gateway's signed announcement (bounded, rate-limited)") {
                (params: LightningAPI.AnnounceParams, _) -> LightningAPI.AnnounceResult in
                guard let raw = Hex.decode(params.announcement), raw.count <= 1_024,
                    let signed = try? SignedGatewayAnnouncement(canonicalBytes: raw)
                else {
                    throw ModuleEndpointError.invalidParams(field: "announcement", expected: "hex of a signed gateway announcement")
                }
                return LightningAPI.AnnounceResult(expiresAt: try registry.announce(signed, configID: config.configID, now: clock()))
            },
            .typed(LightningAPI.gateways, summary: "The unexpired gateway announcements this guardian holds") {
                (_: EmptyParams, _) -> LightningAPI.GatewaysResult in
                LightningAPI.GatewaysResult(gateways: registry.list(now: clock()).map { Hex.encode($0.canonicalBytes) })
            },
        ]
    }
}

/// Params of a method that takes none (any object is accepted).
struct EmptyParams: Decodable, Sendable {}

extension LightningError {
    /// This error as the reason a guardian gives for rejecting a transaction.
    public var rejection: TransactionRejection { TransactionRejection(code: code, message: description) }
}
