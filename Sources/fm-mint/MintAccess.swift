import FMClient
import FMClientCore
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

/// A duration argument: a whole number with a unit (`30s`, `10m`, `2h`, `7d`), at most ten years.
func parseDuration(_ text: String, field: String) throws(InvalidInput) -> Duration {
    let bad = InvalidInput(field: field, expected: "a duration such as 30s, 10m, 2h or 7d (at most 3650d)", code: "bad_duration")
    guard let unit = text.last, let count = UInt64(text.dropLast()), text.dropLast().allSatisfy(\.isASCII) else { throw bad }
    let seconds: UInt64
    switch unit {
    case "s": seconds = 1
    case "m": seconds = 60
    case "h": seconds = 3600
    case "d": seconds = 86_400
    default: throw bad
    }
    let (total, overflow) = count.multipliedReportingOverflow(by: seconds)
    guard !overflow, total <= 3650 * 86_400 else { throw bad }
    return .seconds(Int64(total))  // ≤ 3650 days: fits
}

/// An operation record as a command prints it, with the fee it paid beside it at the top level (`fee_msat`:
/// the fee of a succeeded mint operation, 0 for one that failed, as a failed transaction spends nothing).
struct OperationOutput: Encodable {
    let record: OperationRecord

    enum CodingKeys: String, CodingKey { case feeMsat }

    var feeMsat: UInt64? {
        guard record.kind == MintIssuance.kind else { return nil }
        switch record.status {
        case .failed: return 0
        case .running: return nil
        case .succeeded:
            return record.resultField("fee_msat", as: UInt64.self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(feeMsat, forKey: .feeMsat)
    }
}

extension OperationRecord {
    /// Field `name` of the record's result, if it has one of that type.
    func resultField<T: Decodable>(_ name: String, as type: T.Type) -> T? {
        guard case .object(let result)? = result, let value = result[name] else { return nil }
        return try? value.decode(type)
    }
}
