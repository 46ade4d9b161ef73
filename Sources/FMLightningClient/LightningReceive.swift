import FMBolt11
import FMClientCore
import FMCore
import FMCrypto
import FMEncoding
import FMLightningCommon
import FMMintClient
import FMSecp256k1
public import GRDB

/// Receiving a Lightning payment through a gateway as e-cash, as a persisted state machine (docs/lightning.md,
/// "Client").
///
/// The incoming contract (preimage and claim key derived from the mnemonic at the operation's index) is fixed and
/// committed before anything is sent, so a restart never makes a second one. `creatingInvoice` (the gateway's
/// `create_invoice`; its invoice must carry the contract's payment hash, the asked amount and description) →
/// `awaitingFunding` (the gateway funds the contract once its node holds the HTLC: each guardian's decryption share
/// is served then; t shares that verify, each checked against its guardian's public key share, mean funded; a guardian
/// whose share fails is named and left out) → `claiming` (the contract in, notes out, one transaction: a mint
/// operation) → `awaitingClaim` → `received`. If consensus time reaches the contract's expiration unfunded, the
/// operation ends `expired` (no gateway can fund it any more).
public struct LightningReceive: OperationStateMachine {
    public static let kind: OperationKind = "ln-receive"

    public enum Phase: String, Codable, Sendable {
        case creatingInvoice = "creating_invoice", awaitingFunding = "awaiting_funding", claiming
        case awaitingClaim = "awaiting_claim", received, expired, failed
    }

    static let maxClaimAttempts: UInt64 = 5

    public var phase: Phase
    /// Hex of the ``IncomingContract``'s canonical bytes.
    public var contract: String
    /// The derivation index of the claim key and the preimage (module / "ln-receive" / index).
    public var claimIndex: UInt64
    public var invoiceAmountMsat: UInt64
    public var description: String
    public var expirySecs: UInt64
    /// The gateway's `api_url` (nil for a contract restored by recovery: already funded).
    public var gatewayApiUrl: String?
    public var invoice: String?
    /// Hex of each guardian's verified decryption share, once t are in hand.
    public var shares: [PeerID: String] = [:]
    /// Guardians whose decryption share did not verify (named in the result, never used).
    public var invalidSharePeers: [PeerID] = []
    public var claimAttempts: UInt64 = 0
    public var claimOperation: OperationID?
    public var failure: String?

    public init(
        contract: IncomingContract, claimIndex: UInt64, invoiceAmount: Amount, description: String, expirySecs: UInt64,
        gatewayApiUrl: String?, phase: Phase = .creatingInvoice
    ) {
        self.phase = phase
        self.contract = Hex.encode(contract.canonicalBytes)
        self.claimIndex = claimIndex
        self.invoiceAmountMsat = invoiceAmount.msats
        self.description = description
        self.expirySecs = expirySecs
        self.gatewayApiUrl = gatewayApiUrl
    }

    /// The receive operation of `contract` (one per contract, so a recovery finds the same operation).
    static func operationID(for contract: IncomingContract) -> OperationID {
        OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/receive".utf8)))
    }

    public func decodedContract() throws -> IncomingContract {
        guard let raw = Hex.decode(contract) else { throw LightningClientError.malformedAnswer("stored contract is not hex") }
        return try IncomingContract(canonicalBytes: raw)
    }

    public var ending: OperationEnding? {
        let contractAmount = (try? decodedContract())?.amount.msats ?? 0
        var result: [String: JSONValue] = ["invoice_amount_msat": .unsigned(invoiceAmountMsat)]
        if let invoice { result["invoice"] = .string(invoice) }
        if !invalidSharePeers.isEmpty { result["bad_share_guardians"] = .array(invalidSharePeers.map { .unsigned(UInt64($0.rawValue)) }) }
        switch phase {
        case .received:
            result["outcome"] = .string("received")
            result["amount_msat"] = .unsigned(contractAmount)
            result["fee_msat"] = .unsigned(invoiceAmountMsat >= contractAmount ? invoiceAmountMsat - contractAmount : 0)
            if let claimOperation { result["claim_operation"] = .string(claimOperation.description) }
            return .succeeded(result: .object(result))
        case .expired:
            result["outcome"] = .string("expired")
            return .succeeded(result: .object(result))
        case .failed: return .failed(reason: failure ?? "failed")
        case .creatingInvoice, .awaitingFunding, .claiming, .awaitingClaim: return nil
        }
    }

    public enum Event: Sendable {
        case invoiceCreated(String)
        case invoiceRefused(String)
        case funded(shares: [PeerID: String], invalid: [PeerID])
        case expired
        case notYet
        case claimStarted(OperationID)
        case claimDone
        case claimRejected
    }

    public typealias Environment = LightningPay.Environment

    public func trigger(in environment: Environment) async throws -> Event {
        let contract = try decodedContract()
        switch phase {
        case .creatingInvoice:
            // Consensus time first: past the expiration no gateway can fund the contract, so no invoice is worth asking.
            if try await environment.ln.consensusTime() >= contract.terms.expiration { return .expired }
            guard let gatewayApiUrl else { throw LightningClientError.malformedAnswer("a receive without a gateway") }
            let request = GatewayAPI.CreateInvoiceRequest(
                federationId: environment.ln.context.federation.federationId, contract: Hex.encode(contract.canonicalBytes),
                invoiceAmountMsat: invoiceAmountMsat, description: description, expirySecs: expirySecs)
            let answer: GatewayAPI.CreateInvoiceResponse
            // Any failure ends the receive: the user asked for an invoice now and gets an error instead (a process
            // killed during the call asks again on resume, for the same contract).
            do { answer = try await environment.gateway.createInvoice(request, apiURL: gatewayApiUrl) } catch {
                return .invoiceRefused(error.description)
            }
            if let problem = invoiceProblem(answer.invoice, contract: contract) { return .invoiceRefused(problem) }
            return .invoiceCreated(answer.invoice)
        case .awaitingFunding:
            // Waiting, the guardians hold the share query until they commit the funding (ln/await_decryption_share,
            // bounded); the backoff only paces answers that come back at once (e.g. guardians without that method).
            var backoff = PollBackoff(cap: environment.pollInterval)
            while true {
                // Consensus time read before the shares: an unfunded contract past its expiration stays unfunded.
                let now = try await environment.ln.consensusTime()
                if let (shares, invalid) = try await environment.ln.decryptionShares(of: contract, waiting: environment.wait) {
                    return .funded(shares: shares.mapValues { Hex.encode($0.canonicalBytes) }, invalid: invalid)
                }
                if now >= contract.terms.expiration { return .expired }
                guard environment.wait else { throw LightningStillWaiting(operation: Self.operationID(for: contract)) }
                try await backoff.pause()
            }
        case .claiming:
            let shares = try shares.sorted { $0.key < $1.key }.map { peer, text in
                guard let raw = Hex.decode(text) else { throw LightningClientError.malformedAnswer("stored share is not hex") }
                return PeerDecryptionShare(peer: peer, share: try DecryptionShare(canonicalBytes: raw))
            }
            let input = ClientInput(
                item: ModuleItem(module: environment.ln.instance, encoding: LightningInput.incomingClaim(contract, shares: shares)),
                amount: contract.amount, fee: environment.ln.config.fees.contractInput,
                spendKey: environment.ln.receiveKey(index: claimIndex))
            let id = OperationID(Hash256.sha256(contract.id.bytes + Array("fm/ln/receive-claim/\(claimAttempts)".utf8)))
            return .claimStarted(try await environment.mint.issueNotes(from: [input], operation: id))
        case .awaitingClaim:
            guard let claimOperation else { return .claimRejected }
            let record = try await environment.mint.await(claimOperation)
            return record.status == .succeeded ? .claimDone : .claimRejected
        case .received, .expired, .failed:
            preconditionFailure("an ended operation is not triggered")
        }
    }

    /// Why the gateway's invoice is not the one asked for (nil if it is): a payer must pay exactly the asked amount,
    /// to the contract's payment hash, for the asked description.
    func invoiceProblem(_ text: String, contract: IncomingContract) -> String? {
        guard let signed = try? SignedInvoice(text) else { return "the gateway's invoice is not a valid BOLT 11 invoice" }
        let invoice = signed.invoice
        guard invoice.paymentHash == contract.terms.paymentHash.bytes else {
            return "the gateway's invoice has another payment hash than the contract"
        }
        guard invoice.amountMsat == invoiceAmountMsat else {
            return "the gateway's invoice asks \(invoice.amountMsat.map { "\($0) msat" } ?? "no amount"), not \(invoiceAmountMsat) msat"
        }
        guard invoice.description == description else { return "the gateway's invoice has another description" }
        return nil
    }

    public func transition(on event: Event, in db: Database) throws -> LightningReceive {
        var next = self
        switch event {
        case .invoiceCreated(let invoice):
            next.invoice = invoice
            next.phase = .awaitingFunding
        case .invoiceRefused(let why):
            next.phase = .failed
            next.failure = why
        case .funded(let shares, let invalid):
            next.shares = shares
            next.invalidSharePeers = invalid
            next.phase = .claiming
        case .expired: next.phase = .expired
        case .notYet: break
        case .claimStarted(let id):
            next.claimOperation = id
            next.phase = .awaitingClaim
        case .claimDone: next.phase = .received
        case .claimRejected:
            next.claimAttempts += 1
            next.claimOperation = nil
            next.phase = .claiming
            if next.claimAttempts >= Self.maxClaimAttempts {
                next.phase = .failed
                next.failure = "the federation rejected \(Self.maxClaimAttempts) claims of contract \(try decodedContract().id)"
            }
        }
        return next
    }
}

extension LightningClientModule {
    /// The claim key of the receive at derivation `index`.
    public func receiveKey(index: UInt64) -> Keypair {
        context.secret.purpose(Self.receivePurpose).index(index).secp256k1Keypair()
    }

    /// The preimage of the receive at derivation `index` (independent of its claim key: another label).
    public func receivePreimage(index: UInt64) -> Preimage {
        Preimage(bytes: context.secret.purpose(Self.receivePurpose).index(index).bytes("preimage", count: 32))!
    }

    /// t verified decryption shares of `contract` and the guardians whose share failed verification, or nil while
    /// the contract is not funded (t guardians say they know no such contract, or they do not agree yet).
    /// `waiting`: each guardian answers once it committed the funding, or "unknown" after
    /// ``LightningAPI/awaitLimit`` (``shareAnswers(of:waiting:verify:)``).
    /// - Throws: when fewer than t guardians answer at all.
    func decryptionShares(of contract: IncomingContract, waiting: Bool = false) async throws -> ([PeerID: DecryptionShare], [PeerID])? {
        let config = config
        let answers: FederationAPI.VerifiedAnswers<LightningAPI.DecryptionShareResult>
        do {
            answers = try await shareAnswers(of: contract, waiting: waiting) { peer, answer in
                guard let share = Self.share(answer) else { return false }
                return contract.checkShares([peer: share], config: config).invalid.isEmpty
            }
        } catch {
            switch error {
            case .rejected, .noAgreement: return nil
            default: throw error
            }
        }
        let shares = answers.valid.compactMapValues(Self.share)
        return (shares, answers.failedVerification.keys.sorted())
    }

    /// Every guardian's `decryption_share` answer for `contract` (t of them passing `verify`); `waiting` asks
    /// `await_decryption_share` instead, and falls back to the plain method when t guardians refuse it for another
    /// reason than "unknown contract" (guardians older than that method).
    public func shareAnswers(
        of contract: IncomingContract, waiting: Bool,
        verify: @escaping @Sendable (PeerID, LightningAPI.DecryptionShareResult) -> Bool
    ) async throws(FederationQueryError) -> FederationAPI.VerifiedAnswers<LightningAPI.DecryptionShareResult> {
        let params = LightningAPI.ContractParams(contractId: contract.id)
        if waiting {
            do {
                return try await api.verifiedAnswers(
                    "\(Self.kind)/\(LightningAPI.awaitDecryptionShare)", params: params, timeout: LightningAPI.awaitCallTimeout,
                    verify: verify)
            } catch {
                guard case .rejected(_, let code, _) = error, code != LightningError.unknownContractCode else { throw error }
            }
        }
        return try await api.verifiedAnswers("\(Self.kind)/\(LightningAPI.decryptionShare)", params: params, verify: verify)
    }

    static func share(_ answer: LightningAPI.DecryptionShareResult) -> DecryptionShare? {
        Hex.decode(answer.share).flatMap { try? DecryptionShare(canonicalBytes: $0) }
    }
}
