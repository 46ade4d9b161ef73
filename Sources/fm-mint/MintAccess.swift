import FMClient
import FMCore
import FMMintClient

extension FederationClient {
    /// The federation's mint module, or an error if its config has none this client can use.
    func mintModule() throws -> MintClientModule {
        guard let mint = module(MintClientModule.self) else { throw NoMintModule() }
        return mint
    }
}

struct NoMintModule: ReportableError {
    var category: FailureCategory { .failed }
    var code: String { "no_mint_module" }
    var description: String { "this federation has no mint module this client can use" }
}

/// An amount argument: msat by default, or with a unit.
func parseAmount(_ text: String) throws(InvalidInput) -> Amount {
    do { return try Amount(parsing: text) } catch {
        throw InvalidInput(field: "amount", expected: error.description, code: "bad_amount")
    }
}
