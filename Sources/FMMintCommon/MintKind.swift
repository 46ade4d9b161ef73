import FMCore

/// The mint module (BRIEF §3): e-cash notes issued with threshold blind
/// signatures and redeemed against a spent-nonce set.
///
/// Its three parts follow Fedimint's split: FMMintCommon (these wire types and
/// configs), FMMintServer (the guardian side) and FMMintClient (the user side).
public enum MintKind {
    /// The module kind in federation configs.
    public static let kind: ModuleKind = "mint"
    /// The versions of this module's client API this build serves and speaks (`version`; docs/rpc.md).
    public static let apiVersions = [APIVersion(1, 0)]
    /// The conventional instance number of the mint in a federation.
    public static let defaultInstance = ModuleInstanceID(0)
}
