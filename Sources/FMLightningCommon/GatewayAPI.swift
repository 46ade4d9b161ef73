import FMCore

/// The public API a gateway (fm-gateway) serves to users' clients (docs/lightning.md, "Gateway API").
///
/// Transport: `POST <api_url>/<method>` with a JSON body, answered with JSON (fm's conventions: snake_case keys,
/// hex for bytes, integer msat). Success is HTTP 200 with the method's response; a refusal is HTTP 4xx/5xx with an
/// ``ErrorResponse``. `api_url` is the one the gateway announced (``GatewayAnnouncement/apiURL``).
public enum GatewayAPI {
    /// Pay an invoice against a funded ``OutgoingContract``: ``PayRequest`` → ``PayResponse``.
    public static let pay = "pay"
    /// Create an invoice whose payment funds an ``IncomingContract``: ``CreateInvoiceRequest`` →
    /// ``CreateInvoiceResponse``.
    public static let createInvoice = "create_invoice"
    /// What the gateway serves: empty body (`{}`) → ``InfoResponse``.
    public static let info = "info"

    /// Seconds the gateway needs between the moment it is asked to pay and an outgoing contract's timelock, on top
    /// of what the Lightning route may hold the HTLC (``secondsPerBlock`` per block of CLTV delay): it pays only if
    /// it can claim before the timelock. Clients choose timelocks at least
    /// ``InfoResponse/FederationTerms/minOutgoingTimelockSecs`` ahead of consensus time.
    public static let claimMarginSecs: UInt64 = 600
    /// A conservative bitcoin block interval for turning CLTV deltas into seconds (docs/lightning.md, margins).
    public static let secondsPerBlock: UInt64 = 600
    /// Route allowance on top of an invoice's min_final_cltv_expiry: two hops of Core Lightning's 34-block delta.
    public static let routeBlocks: UInt64 = 2 * 34

    /// The shortest outgoing timelock (after consensus time) a gateway accepts for an invoice whose
    /// `min_final_cltv_expiry` is `minFinalCLTV`: ``claimMarginSecs`` + (`minFinalCLTV` + ``routeBlocks``) ×
    /// ``secondsPerBlock``; `UInt64.max` when that overflows (the invoice's signer chooses `minFinalCLTV`: review 3
    /// found it trapping). The gateway refuses shorter ones; the paying client checks it before funding.
    public static func outgoingTimelockSecs(minFinalCLTV: UInt64) -> UInt64 {
        let (blocks, overBlocks) = minFinalCLTV.addingReportingOverflow(routeBlocks)
        let (seconds, overSeconds) = blocks.multipliedReportingOverflow(by: secondsPerBlock)
        let (total, overTotal) = seconds.addingReportingOverflow(claimMarginSecs)
        return overBlocks || overSeconds || overTotal ? .max : total
    }

    public struct PayRequest: Codable, Sendable, Equatable {
        public let federationId: FederationID
        /// Hex of the funded ``OutgoingContract``'s canonical bytes.
        public let contract: String
        /// The BOLT 11 invoice to pay (its payment hash must be the contract's).
        public let invoice: String

        public init(federationId: FederationID, contract: String, invoice: String) {
            self.federationId = federationId
            self.contract = contract
            self.invoice = invoice
        }
    }

    /// Exactly one of the two is set: the payment's preimage (the gateway paid and claims the contract), or the
    /// gateway claim key's BIP-340 signature over ``OutgoingContract/cancellationMessage`` (the payment definitely
    /// failed; the user refunds at once with it). Asking again for the same contract returns the same answer.
    public struct PayResponse: Codable, Sendable, Equatable {
        /// Hex of the 32-byte preimage.
        public let preimage: String?
        /// Hex of the 64-byte cancellation signature.
        public let cancellation: String?

        public init(preimage: String?, cancellation: String?) {
            self.preimage = preimage
            self.cancellation = cancellation
        }

        public static func paid(_ preimage: Preimage) -> PayResponse { PayResponse(preimage: Hex.encode(preimage.bytes), cancellation: nil) }
        public static func cancelled(_ signature: [UInt8]) -> PayResponse { PayResponse(preimage: nil, cancellation: Hex.encode(signature)) }
    }

    public struct CreateInvoiceRequest: Codable, Sendable, Equatable {
        public let federationId: FederationID
        /// Hex of the ``IncomingContract``'s canonical bytes (its amount = invoice amount − the gateway's fee, its
        /// refund key the gateway's, its expiration at least the invoice's expiry plus
        /// ``InfoResponse/FederationTerms/incomingExpirationMarginSecs`` after consensus time).
        public let contract: String
        public let invoiceAmountMsat: UInt64
        public let description: String
        public let expirySecs: UInt64

        public init(federationId: FederationID, contract: String, invoiceAmountMsat: UInt64, description: String, expirySecs: UInt64) {
            self.federationId = federationId
            self.contract = contract
            self.invoiceAmountMsat = invoiceAmountMsat
            self.description = description
            self.expirySecs = expirySecs
        }
    }

    public struct CreateInvoiceResponse: Codable, Sendable, Equatable {
        /// The BOLT 11 invoice (of the gateway's node, for the contract's payment hash).
        public let invoice: String
        public init(invoice: String) { self.invoice = invoice }
    }

    public struct InfoResponse: Codable, Sendable, Equatable {
        /// The gateway's Lightning node id (hex, 33 bytes compressed).
        public let nodePubkey: String
        public let apiUrl: String
        public let federations: [FederationTerms]

        public init(nodePubkey: String, apiUrl: String, federations: [FederationTerms]) {
            self.nodePubkey = nodePubkey
            self.apiUrl = apiUrl
            self.federations = federations
        }

        /// What the gateway offers one federation; the fees are those of its current announcement.
        public struct FederationTerms: Codable, Sendable, Equatable {
            public let federationId: FederationID
            /// Hex of the x-only key that claims outgoing and refunds incoming contracts.
            public let gatewayKey: String
            public let baseFeeMsat: UInt64
            public let feePpm: UInt64
            /// An outgoing contract's timelock must be at least this many seconds after consensus time when `pay`
            /// is called.
            public let minOutgoingTimelockSecs: UInt64
            /// An incoming contract's expiration must be at least the invoice's expiry plus this many seconds after
            /// consensus time.
            public let incomingExpirationMarginSecs: UInt64

            public init(
                federationId: FederationID, gatewayKey: String, baseFeeMsat: UInt64, feePpm: UInt64, minOutgoingTimelockSecs: UInt64,
                incomingExpirationMarginSecs: UInt64
            ) {
                self.federationId = federationId
                self.gatewayKey = gatewayKey
                self.baseFeeMsat = baseFeeMsat
                self.feePpm = feePpm
                self.minOutgoingTimelockSecs = minOutgoingTimelockSecs
                self.incomingExpirationMarginSecs = incomingExpirationMarginSecs
            }
        }
    }

    /// A refusal, with HTTP status 400 (``ErrorCode/isPermanent``: asking again will not help) or 503 (try again).
    public struct ErrorResponse: Codable, Sendable, Equatable, Error {
        public let code: ErrorCode
        /// One line naming the field or the check that failed.
        public let message: String

        public init(code: ErrorCode, message: String) {
            self.code = code
            self.message = message
        }
    }

    public enum ErrorCode: String, Codable, Sendable, Equatable {
        /// The body is not the method's JSON, or a field is malformed (the message names it).
        case invalidRequest = "invalid_request"
        case unknownMethod = "unknown_method"
        /// The gateway does not serve this federation.
        case unknownFederation = "unknown_federation"
        /// The contract's terms do not fit the gateway (key, payment hash, amount and fee, timelock, expiration).
        case badContract = "bad_contract"
        /// The outgoing contract is not funded at the federation (yet, or any more).
        case contractNotFunded = "contract_not_funded"
        /// A temporary failure (the federation or the Lightning node did not answer): ask again.
        case unavailable
        /// The client's address is over its request budget or its open invoices (HTTP 429): ask again later.
        case rateLimited = "rate_limited"

        /// Whether asking again with the same request cannot succeed (HTTP 400) — otherwise 503.
        public var isPermanent: Bool { self != .unavailable && self != .contractNotFunded && self != .rateLimited }
    }
}
