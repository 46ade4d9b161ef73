import FMGateway
import Testing

/// The gateway's rule for an incoming contract's invoice: the contract outlives the invoice by the margin, measured in
/// consensus time, which may have moved on since the client fixed the expiration (CI of stop 28 failed on a 1 s step).
struct GatewayInvoiceExpiryTests {
    typealias Margins = Gateway.Margins
    let margin = Gateway.Margins.incomingExpirationSecs

    @Test func aContractFixedAgainstTheSameConsensusTimeGetsTheRequestedExpiry() {
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 1_000 + 3600 + margin, consensusTime: 1_000) == 3600)
        // A longer contract does not lengthen the invoice.
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 1_000 + 9000 + margin, consensusTime: 1_000) == 3600)
    }

    @Test func consensusTimeThatMovedOnShortensTheInvoiceInsteadOfRefusingIt() {
        // The client read consensus time 1,000; the gateway reads 1,001: the invoice gets 1 s less, and the contract
        // still outlives it by the full margin.
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 1_000 + 3600 + margin, consensusTime: 1_001) == 3599)
        let drift = Margins.consensusTimeDriftSecs
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 1_000 + 3600 + margin, consensusTime: 1_000 + drift) == 3600 - drift)
    }

    @Test func aContractThatExpiresTooSoonIsRefused() {
        let drift = Margins.consensusTimeDriftSecs
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 1_000 + 3600 + margin, consensusTime: 1_001 + drift) == nil)
        // Short invoices: never below the gateway's minimum expiry.
        #expect(Margins.invoiceExpiry(requested: 60, contractExpiration: 1_000 + 60 + margin, consensusTime: 1_001) == nil)
        // Expired or absurd contracts: no wrap-around.
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 10, consensusTime: 1_000) == nil)
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: 0, consensusTime: .max) == nil)
        #expect(Margins.invoiceExpiry(requested: 3600, contractExpiration: .max, consensusTime: 0) == 3600)
    }
}
