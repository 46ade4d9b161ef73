/// Why a Core Lightning RPC call failed.
public enum LightningRPCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// lightningd (or a plugin) answered with a JSON-RPC error object.
    case server(method: String, code: Int, message: String, data: JSONValue?)
    /// No answer within the call's timeout. The request may still complete on the node.
    case timeout(method: String, seconds: Double)
    /// The socket could not be opened (node not running, wrong path, permissions).
    case cannotConnect(socketPath: String, reason: String)
    /// The connection closed before the answer arrived (the node stopped or restarted). The request may have run.
    case connectionLost(method: String)
    /// The answer was not JSON-RPC 2.0 or did not have the fields the method returns.
    case invalidResponse(method: String, reason: String)
    /// The socket path cannot be a unix socket (empty, or longer than sun_path holds).
    case invalidSocketPath(String)

    /// The Core Lightning error code of a ``server(method:code:message:data:)`` error, when it is one fm knows.
    public var clnCode: CLNErrorCode? {
        if case .server(_, let code, _, _) = self { return CLNErrorCode(rawValue: code) }
        return nil
    }

    public var description: String {
        switch self {
        case .server(let method, let code, let message, _):
            let name = CLNErrorCode(rawValue: code).map { " \($0)" } ?? ""
            return "lightning-rpc \(method): error \(code)\(name): \(message)"
        case .timeout(let method, let seconds): return "lightning-rpc \(method): no answer within \(seconds) s"
        case .cannotConnect(let path, let reason): return "lightning-rpc socket \(path): cannot connect (\(reason))"
        case .connectionLost(let method): return "lightning-rpc \(method): connection closed before the answer"
        case .invalidResponse(let method, let reason): return "lightning-rpc \(method): invalid answer (\(reason))"
        case .invalidSocketPath(let path): return "lightning-rpc socket '\(path)': not a usable unix socket path"
        }
    }
}

/// Core Lightning's JSON-RPC error codes (common/jsonrpc_errors.h at v26.06.6; the
/// subset a gateway meets). Codes not listed here still reach the caller in ``LightningRPCError/server(method:code:message:data:)``.
public enum CLNErrorCode: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // JSON-RPC 2.0
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    // lightningd
    case lightningd = -1
    case paramDevError = -2
    case pluginError = -3
    case pluginTerminated = -4
    case lightningdShutdown = -5
    // pay, sendpay, waitsendpay
    case payInProgress = 200
    case payRhashAlreadyUsed = 201
    case payUnparseableOnion = 202
    case payDestinationPermFail = 203
    case payTryOtherRoute = 204
    case payRouteNotFound = 205
    case payRouteTooExpensive = 206
    case payInvoiceExpired = 207
    case payNoSuchPayment = 208
    case payUnspecifiedError = 209
    case payStoppedRetrying = 210
    case payStatusUnexpected = 211
    case payInsufficientFunds = 215
    case payUnreachable = 216
    case payUserError = 217
    // fundchannel, withdraw
    case fundMaxExceeded = 300
    case fundCannotAfford = 301
    case fundOutputIsDust = 302
    case fundingBroadcastFail = 303
    case fundingStillSyncingBitcoin = 304
    case fundingPeerNotConnected = 305
    case fundingUnknownPeer = 306
    case fundCannotAffordWithEmergency = 313
    // connect
    case connectNoKnownAddress = 400
    case connectAllAddressesFailed = 401
    case connectDisconnectedDuring = 402
    // invoice, waitinvoice, waitanyinvoice
    case invoiceLabelAlreadyExists = 900
    case invoicePreimageAlreadyExists = 901
    case invoiceHintsGaveNoRoutes = 902
    case invoiceExpiredDuringWait = 903
    case invoiceWaitTimedOut = 904
    case invoiceNotFound = 905
    case invoiceStatusUnexpected = 906
    case invoiceOfferInactive = 907
    case invoiceNoDescription = 908

    public var description: String {
        switch self {
        case .parseError: "PARSE_ERROR"
        case .invalidRequest: "JSONRPC2_INVALID_REQUEST"
        case .methodNotFound: "JSONRPC2_METHOD_NOT_FOUND"
        case .invalidParams: "JSONRPC2_INVALID_PARAMS"
        case .lightningd: "LIGHTNINGD"
        case .paramDevError: "PARAM_DEV_ERROR"
        case .pluginError: "PLUGIN_ERROR"
        case .pluginTerminated: "PLUGIN_TERMINATED"
        case .lightningdShutdown: "LIGHTNINGD_SHUTDOWN"
        case .payInProgress: "PAY_IN_PROGRESS"
        case .payRhashAlreadyUsed: "PAY_RHASH_ALREADY_USED"
        case .payUnparseableOnion: "PAY_UNPARSEABLE_ONION"
        case .payDestinationPermFail: "PAY_DESTINATION_PERM_FAIL"
        case .payTryOtherRoute: "PAY_TRY_OTHER_ROUTE"
        case .payRouteNotFound: "PAY_ROUTE_NOT_FOUND"
        case .payRouteTooExpensive: "PAY_ROUTE_TOO_EXPENSIVE"
        case .payInvoiceExpired: "PAY_INVOICE_EXPIRED"
        case .payNoSuchPayment: "PAY_NO_SUCH_PAYMENT"
        case .payUnspecifiedError: "PAY_UNSPECIFIED_ERROR"
        case .payStoppedRetrying: "PAY_STOPPED_RETRYING"
        case .payStatusUnexpected: "PAY_STATUS_UNEXPECTED"
        case .payInsufficientFunds: "PAY_INSUFFICIENT_FUNDS"
        case .payUnreachable: "PAY_UNREACHABLE"
        case .payUserError: "PAY_USER_ERROR"
        case .fundMaxExceeded: "FUND_MAX_EXCEEDED"
        case .fundCannotAfford: "FUND_CANNOT_AFFORD"
        case .fundOutputIsDust: "FUND_OUTPUT_IS_DUST"
        case .fundingBroadcastFail: "FUNDING_BROADCAST_FAIL"
        case .fundingStillSyncingBitcoin: "FUNDING_STILL_SYNCING_BITCOIN"
        case .fundingPeerNotConnected: "FUNDING_PEER_NOT_CONNECTED"
        case .fundingUnknownPeer: "FUNDING_UNKNOWN_PEER"
        case .fundCannotAffordWithEmergency: "FUND_CANNOT_AFFORD_WITH_EMERGENCY"
        case .connectNoKnownAddress: "CONNECT_NO_KNOWN_ADDRESS"
        case .connectAllAddressesFailed: "CONNECT_ALL_ADDRESSES_FAILED"
        case .connectDisconnectedDuring: "CONNECT_DISCONNECTED_DURING"
        case .invoiceLabelAlreadyExists: "INVOICE_LABEL_ALREADY_EXISTS"
        case .invoicePreimageAlreadyExists: "INVOICE_PREIMAGE_ALREADY_EXISTS"
        case .invoiceHintsGaveNoRoutes: "INVOICE_HINTS_GAVE_NO_ROUTES"
        case .invoiceExpiredDuringWait: "INVOICE_EXPIRED_DURING_WAIT"
        case .invoiceWaitTimedOut: "INVOICE_WAIT_TIMED_OUT"
        case .invoiceNotFound: "INVOICE_NOT_FOUND"
        case .invoiceStatusUnexpected: "INVOICE_STATUS_UNEXPECTED"
        case .invoiceOfferInactive: "INVOICE_OFFER_INACTIVE"
        case .invoiceNoDescription: "INVOICE_NO_DESCRIPTION"
        }
    }
}
