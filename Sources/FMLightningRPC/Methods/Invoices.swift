/// `invoice`: create a BOLT 11 invoice on this node.
public struct InvoiceRequest: LightningRPCMethod, Equatable {
    public static let method = "invoice"
    public typealias Response = InvoiceResponse
    public var amount_msat: AmountOrAny
    public var label: String
    public var description: String
    /// Seconds; lightningd's default is 604800 (one week).
    public var expiry: UInt64?
    public var fallbacks: [String]?
    /// 32 bytes hex; lightningd picks one when absent.
    public var preimage: String?
    public var cltv: UInt32?
    public var deschashonly: Bool?

    public init(
        amount_msat: AmountOrAny, label: String, description: String, expiry: UInt64? = nil,
        fallbacks: [String]? = nil, preimage: String? = nil, cltv: UInt32? = nil, deschashonly: Bool? = nil
    ) {
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

public struct InvoiceResponse: Codable, Sendable, Equatable {
    public var bolt11: String
    public var payment_hash: String
    public var payment_secret: String
    public var expires_at: UInt64
    public var created_index: UInt64?
    public var warning_capacity: String?
    public var warning_offline: String?
    public var warning_deadends: String?
    public var warning_private_unused: String?
    public var warning_mpp: String?

    public init(bolt11: String, payment_hash: String, payment_secret: String, expires_at: UInt64, created_index: UInt64?) {
        self.bolt11 = bolt11
        self.payment_hash = payment_hash
        self.payment_secret = payment_secret
        self.expires_at = expires_at
        self.created_index = created_index
    }
}

/// An invoice as `listinvoices`, `waitinvoice` and `waitanyinvoice` return it.
public struct InvoiceInfo: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, Equatable {
        case unpaid, paid, expired
    }

    public var label: String
    public var description: String?
    public var payment_hash: String
    public var status: Status
    public var expires_at: UInt64
    public var amount_msat: UInt64?
    public var bolt11: String?
    public var created_index: UInt64?
    public var updated_index: UInt64?
    public var pay_index: UInt64?
    public var amount_received_msat: UInt64?
    public var paid_at: UInt64?
    public var payment_preimage: String?

    public init(
        label: String, description: String?, payment_hash: String, status: Status, expires_at: UInt64,
        amount_msat: UInt64?, bolt11: String?, created_index: UInt64?
    ) {
        self.label = label
        self.description = description
        self.payment_hash = payment_hash
        self.status = status
        self.expires_at = expires_at
        self.amount_msat = amount_msat
        self.bolt11 = bolt11
        self.created_index = created_index
    }
}

/// `listinvoices`: at most one of `label`, `invstring`, `payment_hash` selects; none lists all.
public struct ListinvoicesRequest: LightningRPCMethod, Equatable {
    public static let method = "listinvoices"
    public typealias Response = ListinvoicesResponse
    public var label: String?
    public var invstring: String?
    public var payment_hash: String?

    public init(label: String? = nil, invstring: String? = nil, payment_hash: String? = nil) {
        self.label = label
        self.invstring = invstring
        self.payment_hash = payment_hash
    }
}

public struct ListinvoicesResponse: Codable, Sendable, Equatable {
    public var invoices: [InvoiceInfo]
    public init(invoices: [InvoiceInfo]) { self.invoices = invoices }
}

/// `waitinvoice`: waits until the invoice `label` is paid (returns it) or expires (error 903).
public struct WaitinvoiceRequest: LightningRPCMethod, Equatable {
    public static let method = "waitinvoice"
    public typealias Response = InvoiceInfo
    public var label: String
    public init(label: String) { self.label = label }
}

/// `waitanyinvoice`: the next invoice paid after `lastpay_index`; error 904 after `timeout` seconds.
public struct WaitanyinvoiceRequest: LightningRPCMethod, Equatable {
    public static let method = "waitanyinvoice"
    public typealias Response = InvoiceInfo
    public var lastpay_index: UInt64?
    public var timeout: UInt64?

    public init(lastpay_index: UInt64? = nil, timeout: UInt64? = nil) {
        self.lastpay_index = lastpay_index
        self.timeout = timeout
    }
}
