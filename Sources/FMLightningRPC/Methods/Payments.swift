import Foundation

/// `pay`: pay a BOLT 11 invoice, retrying routes for up to `retry_for` seconds. Errors: 201 already paid,
/// 205 no route, 206 fee or delay over the limits, 207 expired, 210 stopped retrying, ...
public struct PayRequest: LightningRPCMethod, Equatable {
    public static let method = "pay"
    public typealias Response = PayResponse
    public var bolt11: String
    /// Only for invoices without an amount.
    public var amount_msat: UInt64?
    public var label: String?
    /// Percent of the amount (lightningd's default 0.5), a decimal, not money.
    public var maxfeepercent: Decimal?
    /// Seconds to keep retrying (default 60).
    public var retry_for: UInt32?
    public var maxdelay: UInt32?
    /// Fees below this are accepted whatever maxfeepercent says (default 5000 msat).
    public var exemptfee: UInt64?
    /// An absolute fee limit; lightningd refuses it together with maxfeepercent or exemptfee.
    public var maxfee: UInt64?
    public var description: String?

    public init(
        bolt11: String, amount_msat: UInt64? = nil, label: String? = nil, maxfeepercent: Decimal? = nil,
        retry_for: UInt32? = nil, maxdelay: UInt32? = nil, exemptfee: UInt64? = nil, maxfee: UInt64? = nil,
        description: String? = nil
    ) {
        self.bolt11 = bolt11
        self.amount_msat = amount_msat
        self.label = label
        self.maxfeepercent = maxfeepercent
        self.retry_for = retry_for
        self.maxdelay = maxdelay
        self.exemptfee = exemptfee
        self.maxfee = maxfee
        self.description = description
    }
}

/// The state of a payment in `pay`, `listpays` and `listsendpays`.
public enum PaymentStatus: String, Codable, Sendable, Equatable {
    case pending, failed, complete
}

public struct PayResponse: Codable, Sendable, Equatable {
    public var payment_preimage: String
    public var destination: String?
    public var payment_hash: String
    /// Unix time with fractions of a second.
    public var created_at: Double
    public var parts: UInt32
    /// What the payee received.
    public var amount_msat: UInt64
    /// What left this node: amount plus fees.
    public var amount_sent_msat: UInt64
    public var warning_partial_completion: String?
    public var status: PaymentStatus

    public init(
        payment_preimage: String, destination: String?, payment_hash: String, created_at: Double, parts: UInt32,
        amount_msat: UInt64, amount_sent_msat: UInt64, status: PaymentStatus
    ) {
        self.payment_preimage = payment_preimage
        self.destination = destination
        self.payment_hash = payment_hash
        self.created_at = created_at
        self.parts = parts
        self.amount_msat = amount_msat
        self.amount_sent_msat = amount_sent_msat
        self.status = status
    }

    /// Fees paid, or nil if the node reports sending less than it delivered.
    public var fee_msat: UInt64? {
        amount_sent_msat >= amount_msat ? amount_sent_msat - amount_msat : nil
    }
}

/// `listpays`: payments grouped per invoice.
public struct ListpaysRequest: LightningRPCMethod, Equatable {
    public static let method = "listpays"
    public typealias Response = ListpaysResponse
    public var bolt11: String?
    public var payment_hash: String?
    public var status: PaymentStatus?

    public init(bolt11: String? = nil, payment_hash: String? = nil, status: PaymentStatus? = nil) {
        self.bolt11 = bolt11
        self.payment_hash = payment_hash
        self.status = status
    }
}

public struct ListpaysResponse: Codable, Sendable, Equatable {
    public struct Pay: Codable, Sendable, Equatable {
        public var payment_hash: String
        public var status: PaymentStatus
        public var destination: String?
        public var created_at: UInt64
        public var completed_at: UInt64?
        public var label: String?
        public var bolt11: String?
        public var description: String?
        public var amount_msat: UInt64?
        public var amount_sent_msat: UInt64?
        public var preimage: String?
        public var number_of_parts: UInt64?
        public var created_index: UInt64?
        public var updated_index: UInt64?

        public init(payment_hash: String, status: PaymentStatus, created_at: UInt64) {
            self.payment_hash = payment_hash
            self.status = status
            self.created_at = created_at
        }
    }

    public var pays: [Pay]
    public init(pays: [Pay]) { self.pays = pays }
}

/// `listsendpays`: every payment attempt (part).
public struct ListsendpaysRequest: LightningRPCMethod, Equatable {
    public static let method = "listsendpays"
    public typealias Response = ListsendpaysResponse
    public var bolt11: String?
    public var payment_hash: String?
    public var status: PaymentStatus?

    public init(bolt11: String? = nil, payment_hash: String? = nil, status: PaymentStatus? = nil) {
        self.bolt11 = bolt11
        self.payment_hash = payment_hash
        self.status = status
    }
}

public struct ListsendpaysResponse: Codable, Sendable, Equatable {
    public struct Payment: Codable, Sendable, Equatable {
        public var created_index: UInt64?
        public var id: UInt64
        public var groupid: UInt64
        public var partid: UInt64?
        public var payment_hash: String
        public var status: PaymentStatus
        public var updated_index: UInt64?
        public var amount_msat: UInt64?
        public var destination: String?
        public var created_at: UInt64
        public var completed_at: UInt64?
        public var amount_sent_msat: UInt64
        public var label: String?
        public var bolt11: String?
        public var description: String?
        public var payment_preimage: String?
        public var erroronion: String?

        public init(
            id: UInt64, groupid: UInt64, payment_hash: String, status: PaymentStatus, created_at: UInt64,
            amount_sent_msat: UInt64
        ) {
            self.id = id
            self.groupid = groupid
            self.payment_hash = payment_hash
            self.status = status
            self.created_at = created_at
            self.amount_sent_msat = amount_sent_msat
        }
    }

    public var payments: [Payment]
    public init(payments: [Payment]) { self.payments = payments }
}
