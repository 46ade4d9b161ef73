import FMCore
import FMMintCommon
import FMMintServer
import FMServerCore

/// The consensus versions this binary supports (docs/decisions/0002-guardian-operations.md, "Consensus versions").
enum GuardianConsensusVersions {
    /// What a release binary supports, by component; a component not listed supports version 1 only.
    static let released: [String: [UInt32]] = [ConsensusVersions.core: [ConsensusVersions.genesis]]

    /// TEST ONLY: the second version a dev build may announce for a module kind (``GuardianTestFaults/secondModuleVersionVariable``);
    /// each is implemented by its module but not released.
    static let testOnly: [String: UInt32] = [MintKind.kind.rawValue: MintServerModule.issuanceChainVersion]

    /// What this binary announces for `components`: the released versions, plus the test-only second version of
    /// `secondVersionForTesting` (a module kind) when set.
    static func supported(components: [String], secondVersionForTesting: String?) throws -> SupportedConsensusVersions {
        var versions = Dictionary(uniqueKeysWithValues: components.map { ($0, released[$0] ?? [ConsensusVersions.genesis]) })
        if let kind = secondVersionForTesting {
            guard let second = testOnly[kind], versions[kind] != nil else {
                throw ConfigError.invalid(
                    "\(GuardianTestFaults.secondModuleVersionVariable)=\(kind): no test-only second version of a module this federation runs (known: \(testOnly.keys.sorted().joined(separator: ", ")))")
            }
            versions[kind, default: []].append(second)
        }
        return try SupportedConsensusVersions(versions)
    }
}

/// A guardian asked to apply blocks under a consensus version its binary does not implement: it stops instead of
/// diverging (one line; docs/operator-guide.md, "Consensus versions").
public struct UnsupportedConsensusVersion: ReportableError {
    public let component: String
    public let version: UInt32
    public let height: UInt64
    public let supported: [UInt32]

    public var category: FailureCategory { .failed }
    public var code: String { "unsupported_consensus_version" }
    public var description: String {
        "this fm-node supports \(component) consensus versions \(supported.map(String.init).joined(separator: ", ")), but the federation activated version \(version) from block \(height): start a binary that supports it"
    }
}
