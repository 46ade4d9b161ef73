// The hold-invoice methods of daywalker90's `holdinvoice` Core Lightning plugin
// (https://github.com/daywalker90/holdinvoice, README and tests at 068778e, built against CLN v24.x): an invoice
// whose incoming HTLCs are held until the caller settles or cancels them. v5 (CHANGELOG "5.0.0") adds
// `holdinvoice`'s `payment_hash` (no preimage known yet) with `holdinvoicesettle`'s `preimage`, and drops `label`
// (optional here: leave it nil for v5).

/// `holdinvoice`: like `invoice`, but the HTLCs are held; `cltv` is required. Give `payment_hash` instead of a
/// preimage to hold HTLCs for a preimage you learn later (then settle with it).
public struct HoldinvoiceRequest: LightningRPCMethod, Equatable {
    public static let method = "holdinvoice"
    public typealias Response = InvoiceResponse
    public var amount_msat: UInt64
    public var label: String?
    public var description: String
    public var expiry: UInt64?
    public var fallbacks: [String]?
    public var preimage: String?
    public var cltv: UInt32
    public var deschashonly: Bool?
    public var payment_hash: String?

    public init(
        amount_msat: UInt64, label: String?, description: String, expiry: UInt64? = nil, fallbacks: [String]? = nil,
        preimage: String? = nil, cltv: UInt32, deschashonly: Bool? = nil, payment_hash: String? = nil
    ) {
        self.payment_hash = payment_hash
        self.amount_msat = amount_msat
        self.label = label
        self.description = description
        self.expiry = expiry
        self.fallbacks = fallbacks
        self.preimage = preimage
        self.cltv = cltv
        self.deschashonly = deschashonly
    }
}

/// A hold invoice's state. OPEN: not (enough) HTLCs yet; ACCEPTED: enough HTLCs held; SETTLED; CANCELED.
public enum HoldState: String, Codable, Sendable, Equatable {
    case OPEN, ACCEPTED, SETTLED, CANCELED
}

/// `holdinvoicelookup`: the state, and while ACCEPTED the block height at which the first held HTLC expires.
public struct HoldinvoicelookupRequest: LightningRPCMethod, Equatable {
    public static let method = "holdinvoicelookup"
    public typealias Response = HoldinvoicelookupResponse
    public var payment_hash: String
    public init(payment_hash: String) { self.payment_hash = payment_hash }
}

public struct HoldinvoicelookupResponse: Codable, Sendable, Equatable {
    public var state: HoldState
    public var htlc_expiry: UInt32?
    public init(state: HoldState, htlc_expiry: UInt32? = nil) {
        self.state = state
        self.htlc_expiry = htlc_expiry
    }
}

/// `holdinvoicesettle`: release the preimage to the held HTLCs (fails unless ACCEPTED); `preimage` is required
/// for an invoice made by `payment_hash`.
public struct HoldinvoicesettleRequest: LightningRPCMethod, Equatable {
    public static let method = "holdinvoicesettle"
    public typealias Response = HoldStateResponse
    public var payment_hash: String
    public var preimage: String?
    public init(payment_hash: String, preimage: String? = nil) {
        self.payment_hash = payment_hash
        self.preimage = preimage
    }
}

/// `holdinvoicecancel`: fail the held HTLCs back and refuse further ones (fails once SETTLED).
public struct HoldinvoicecancelRequest: LightningRPCMethod, Equatable {
    public static let method = "holdinvoicecancel"
    public typealias Response = HoldStateResponse
    public var payment_hash: String
    public init(payment_hash: String) { self.payment_hash = payment_hash }
}

public struct HoldStateResponse: Codable, Sendable, Equatable {
    public var state: HoldState
    public init(state: HoldState) { self.state = state }
}
