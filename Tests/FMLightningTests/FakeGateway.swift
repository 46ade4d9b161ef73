import FMBolt11
import FMClientCore
import FMCore
import FMLightningClient
import FMLightningCommon
import FMMintClient
import FMSecp256k1
import Foundation
import Synchronization

/// A gateway implementing the public API (``GatewayConnection``) in process, on a real client of the federation:
/// it pays by claiming the funded outgoing contract with a preimage it is given, or cancels, or does not answer, or
/// answers with a wrong preimage; it creates invoices for incoming contracts and funds them when told to ("an HTLC
/// arrived"). Its client's keys are the announced gateway key.
final class FakeGateway: GatewayConnection, @unchecked Sendable {
    enum PayBehaviour: Sendable {
        case claim(Preimage)
        case cancel
        case unreachable
        case wrongPreimage
    }

    let operations: LightningOperations
    let federationID: FederationID
    let apiURL = "http://127.0.0.1:1/gateway"
    private let state = Mutex<(pay: [Hash256: PayBehaviour], contracts: [IncomingContract], payCalls: Int, invoiceExtraMsat: UInt64)>(
        ([:], [], 0, 0))

    init(operations: LightningOperations, federationID: FederationID) {
        self.operations = operations
        self.federationID = federationID
    }

    var payCalls: Int { state.withLock { $0.payCalls } }
    var incomingContracts: [IncomingContract] { state.withLock { $0.contracts } }

    func behave(_ behaviour: PayBehaviour, for paymentHash: Hash256) { state.withLock { $0.pay[paymentHash] = behaviour } }

    /// A lying gateway: its invoices ask this much more than the receiver asked for.
    func inflateInvoices(by msats: UInt64) { state.withLock { $0.invoiceExtraMsat = msats } }

    func announce() async throws -> SignedGatewayAnnouncement {
        try await operations.announce(
            nodeKey: Keypair().publicKey, apiURL: apiURL, baseFee: Amount(msats: 1_000), feePartsPerMillion: 0, ttl: 600)
    }

    func pay(_ request: GatewayAPI.PayRequest, apiURL: String) async throws(GatewayCallError) -> GatewayAPI.PayResponse {
        state.withLock { $0.payCalls += 1 }
        guard request.federationId == federationID, let raw = Hex.decode(request.contract),
            let contract = try? OutgoingContract(canonicalBytes: raw), (try? SignedInvoice(request.invoice)) != nil
        else { throw .refused(code: "invalid_request", message: "contract", permanent: true) }
        switch state.withLock({ $0.pay[contract.paymentHash] }) ?? .unreachable {
        case .unreachable: throw .unreachable("connection refused")
        case .cancel: return .cancelled(operations.cancellation(of: contract).rawRepresentation)
        case .wrongPreimage: return .paid(Preimage(bytes: [UInt8](repeating: 0x77, count: 32))!)
        case .claim(let preimage):
            do {
                let claim = try await operations.claimOutgoing(contract, preimage: preimage)
                guard try await operations.mint.await(claim).status == .succeeded else {
                    throw GatewayCallError.unreachable("claim rejected")
                }
            } catch { throw .unreachable("\(error)") }
            return .paid(preimage)
        }
    }

    func createInvoice(
        _ request: GatewayAPI.CreateInvoiceRequest, apiURL: String
    ) async throws(GatewayCallError) -> GatewayAPI.CreateInvoiceResponse {
        guard let raw = Hex.decode(request.contract), let contract = try? IncomingContract(canonicalBytes: raw) else {
            throw .refused(code: "invalid_request", message: "contract", permanent: true)
        }
        let extra = state.withLock { state in
            state.contracts.append(contract)
            return state.invoiceExtraMsat
        }
        do {
            let invoice = try Invoice(
                network: .regtest, amountMsat: request.invoiceAmountMsat + extra, timestamp: UInt64(Date().timeIntervalSince1970),
                paymentHash: contract.terms.paymentHash.bytes, paymentSecret: [UInt8](repeating: 5, count: 32),
                description: request.description
            ).signed(by: SecretKey())
            return GatewayAPI.CreateInvoiceResponse(invoice: invoice.string)
        } catch { throw .malformed("\(error)") }
    }

    func info(apiURL: String) async throws(GatewayCallError) -> GatewayAPI.InfoResponse {
        GatewayAPI.InfoResponse(
            nodePubkey: "", apiUrl: apiURL,
            federations: [
                .init(
                    federationId: federationID, gatewayKey: Hex.encode(operations.ln.gatewayKey.xOnlyPublicKey.rawRepresentation),
                    baseFeeMsat: 1_000, feePpm: 0, minOutgoingTimelockSecs: 0, incomingExpirationMarginSecs: 0)
            ])
    }

    /// "The HTLC arrived": funds `contract` with the gateway's notes and waits until the federation accepted it.
    func fund(_ contract: IncomingContract) async throws {
        let output = ClientOutput(
            item: ModuleItem(module: operations.ln.instance, encoding: LightningOutput.incoming(contract)), amount: contract.amount,
            fee: operations.ln.config.fees.contractOutput)
        let id = try await operations.mint.fund([output], operation: OperationID(Hash256.sha256(contract.id.bytes)))
        guard try await operations.mint.await(id).status == .succeeded else { throw FakeGatewayError("funding rejected") }
    }
}

struct FakeGatewayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Guardian `liar`'s decryption shares are another guardian's (a valid point that fails verification for it).
struct LyingShareTransport: GuardianTransport {
    let inner: any GuardianTransport
    let liar: PeerID

    func call(_ peer: PeerID, method: String, params: JSONValue, timeout: Duration?) async throws -> JSONValue {
        guard peer == liar, method.hasSuffix(LightningAPI.decryptionShare) else {
            return try await inner.call(peer, method: method, params: params, timeout: timeout)
        }
        let other = PeerID(liar.rawValue == 0 ? 1 : 0)
        return try await inner.call(other, method: method, params: params, timeout: timeout)
    }
}
