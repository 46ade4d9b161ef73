import FMClientCore
import FMCore
import FMServer
import FMServerCore
import Testing

/// The guardian's API answers, decoded with the client's wire types: the two sides must agree.
@Suite struct ClientWireCompatibilityTests {
    @Test func aRejectedTransactionStatusDecodesAsTheClientsOutcome() throws {
        let rejection = TransactionRejection(code: "note_already_spent", message: "note 1a2b was already spent")
        let wire = try JSONValue(TransactionStatus(.rejected(rejection)))
        let outcome = try wire.decode(FMClientCore.TransactionOutcome.self)
        #expect(outcome.status == .rejected)
        #expect(outcome.rejection == .init(code: "note_already_spent", message: "note 1a2b was already spent"))
        #expect(outcome.reason == "note 1a2b was already spent")

        let accepted = try JSONValue(TransactionStatus(.accepted)).decode(FMClientCore.TransactionOutcome.self)
        #expect(accepted == FMClientCore.TransactionOutcome(status: .accepted))
    }
}
