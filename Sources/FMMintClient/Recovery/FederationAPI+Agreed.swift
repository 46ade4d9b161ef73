import FMClientCore
import FMCore
import FMMintCommon

extension FederationAPI {
    /// A mint endpoint's answer that t guardians give identically, asked again while they disagree
    /// (``FederationAPI/settledConsensus(_:params:as:timeout:)``).
    func agreedMint<Result: Decodable & Equatable & Sendable>(
        _ name: String, params: some Encodable & Sendable, as type: Result.Type
    ) async throws -> Result {
        try await settledConsensus(MintAPI.method(name), params: params, as: type)
    }

    /// A lower bound on the issuance log's length: the least that t guardians report (a lying guardian can
    /// only lower it, which makes a later recovery scan more, never less).
    func issuanceLogLowerBound() async throws -> UInt64 {
        let answers = try await validAnswers(
            MintAPI.method(MintAPI.recoveryPage), params: MintAPI.RecoveryPageParams(from: 0, limit: 1),
            as: MintAPI.RecoveryPage.self
        ) { _, page in page.end != nil }
        return answers.values.compactMap(\.end).min() ?? 0
    }
}
