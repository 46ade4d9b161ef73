import FMClient
import FMClientCore
import FMCore
import FMLightningCommon
import FMMintClient
import Foundation

/// The operator's JSON-RPC methods (docs/commands.md, fm-gateway): served on a loopback address of their own, each
/// call authenticated with the token of `DATA_DIR/operator.token`.
extension Gateway {
    public static let operatorMethods = ["info", "balances", "set_fees", "connect_fed", "withdraw", "deposit", "list_payments"]

    /// Answers one operator call; `params` is the request's `params` object (JSON).
    public func operatorCall(_ method: String, params: Data) async throws -> any Encodable & Sendable {
        switch method {
        case "info":
            return try await info()
        case "balances":
            var balances: [Balance] = []
            for link in allLinks {
                balances.append(Balance(federationId: link.id, balanceMsat: try await link.client.balance().msats))
            }
            return Balances(federations: balances)
        case "set_fees":
            let fees = try JSONConventions.decode(GatewayFees.self, from: params, what: "params")
            try await setFees(baseMsat: fees.baseFeeMsat, ppm: fees.feePpm)
            return try await info()
        case "connect_fed":
            struct Params: Decodable { var invite: String }
            let invite = try InviteCode(parsing: try JSONConventions.decode(Params.self, from: params, what: "params").invite)
            return ["federation_id": try await connect(invite: invite).description]
        case "withdraw":
            struct Params: Decodable { var federationId: FederationID; var amountMsat: UInt64 }
            let request = try JSONConventions.decode(Params.self, from: params, what: "params")
            return try await withdraw(request.federationId, amount: Amount(msats: request.amountMsat))
        case "deposit":
            struct Params: Decodable { var federationId: FederationID; var notes: String }
            let request = try JSONConventions.decode(Params.self, from: params, what: "params")
            return try await deposit(request.federationId, notes: request.notes)
        case "list_payments":
            return try await store.read { db in
                PaymentList(
                    payments: try PaymentRecord.all(in: db).map(PaymentSummary.init), receives: try ReceiveRecord.all(in: db).map(ReceiveSummary.init))
            }
        default:
            throw GatewayError.invalidParameter("method", "one of \(Self.operatorMethods.joined(separator: ", "))")
        }
    }

    func operatorLink(_ id: FederationID) throws -> FederationLink {
        guard let link = links.withLockedValue({ $0[id] }) else { throw GatewayError.unknownFederation(id.description) }
        return link
    }

    /// Takes `amount` of the gateway's e-cash out as a note string (exact change first when needed).
    func withdraw(_ id: FederationID, amount: Amount) async throws -> Withdrawal {
        let link = try operatorLink(id)
        guard amount > .zero else { throw GatewayError.invalidParameter("amount_msat", "more than 0") }
        var attempt = try await link.mint.spend(amount, reclaimAt: nil)
        if let reissue = attempt.reissue {
            let record = try await link.mint.await(reissue)
            guard record.status == .succeeded else { throw GatewayError.lightning("exact change: \(record.failure ?? "failed")") }
            attempt = try await link.mint.spend(amount, reclaimAt: nil)
        }
        guard let spent = attempt.spent, let record = try await link.client.operations.record(spent),
            case .object(let result)? = record.result, case .string(let notes)? = result["notes"]
        else { throw MintClientError.noteUnavailable("exact change") }
        return Withdrawal(federationId: id, amountMsat: amount.msats, notes: notes)
    }

    /// Reissues a note string into the gateway's wallet (its float for funding incoming contracts).
    func deposit(_ id: FederationID, notes: String) async throws -> Balance {
        let link = try operatorLink(id)
        let string = try NoteString(parsing: notes)
        let operation = try await link.mint.reissue(string)
        let record = try await link.mint.await(operation)
        guard record.status == .succeeded else { throw GatewayError.invalidParameter("notes", "notes the federation accepts: \(record.failure ?? "")") }
        return Balance(federationId: id, balanceMsat: try await link.client.balance().msats)
    }

    struct Balance: Codable, Sendable { var federationId: FederationID; var balanceMsat: UInt64 }
    struct Balances: Codable, Sendable { var federations: [Balance] }
    struct Withdrawal: Codable, Sendable { var federationId: FederationID; var amountMsat: UInt64; var notes: String }
    struct PaymentList: Codable, Sendable { var payments: [PaymentSummary]; var receives: [ReceiveSummary] }

    struct PaymentSummary: Codable, Sendable {
        var contractId: String, federationId: String, paymentHash: String, state: String, invoiceAmountMsat: UInt64
        var lightningFeeMsat: UInt64?, preimage: String?, failure: String?
        init(_ record: PaymentRecord) {
            contractId = record.contractID.hex
            federationId = record.federationID
            paymentHash = record.paymentHash.hex
            state = record.state.rawValue
            invoiceAmountMsat = record.invoiceAmount
            lightningFeeMsat = record.lightningFee
            preimage = record.preimage.map(Hex.encode)
            failure = record.failure
        }
    }

    struct ReceiveSummary: Codable, Sendable {
        var contractId: String, federationId: String, paymentHash: String, state: String, outcome: String?, invoiceAmountMsat: UInt64
        var badGuardians: String?, failure: String?
        init(_ record: ReceiveRecord) {
            contractId = record.contractID.hex
            federationId = record.federationID
            paymentHash = record.paymentHash.hex
            state = record.state.rawValue
            outcome = record.outcome
            invoiceAmountMsat = record.invoiceAmount
            badGuardians = record.badGuardians
            failure = record.failure
        }
    }
}

/// The operator token: 32 random bytes as hex in `DATA_DIR/operator.token` (0600), made at the first run.
public enum OperatorToken {
    /// The shortest token accepted from the file (the gateway writes 64 hex digits).
    public static let minimumLength = 32

    public static func path(dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("operator.token") }

    public static func loadOrCreate(dataDirectory: String) throws -> String {
        let path = path(dataDirectory: dataDirectory)
        if let data = FileManager.default.contents(atPath: path) {
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // An empty token matched a request without an Authorization header (review 3); a short one is guessable.
            guard token.utf8.count >= minimumLength else {
                throw InvalidInput(
                    field: "--data-dir",
                    expected: "an operator.token of at least \(minimumLength) characters ('\(path)' holds fewer; remove it and a new one is made)")
            }
            return token
        }
        var generator = SystemRandomNumberGenerator()
        let token = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try AtomicFile.write(Array((token + "\n").utf8), to: path, mode: AtomicFile.secretMode)
        return token
    }

    /// Whether `presented` is `expected`, compared in time independent of where they differ.
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }
}
