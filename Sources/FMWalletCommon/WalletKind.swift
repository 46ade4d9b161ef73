import FMCore

/// The wallet module (BRIEF §8): bitcoin held by the federation in a `wsh(sortedmulti(t, …))` wallet.
/// Peg-in turns a confirmed deposit into e-cash; peg-out turns e-cash into an on-chain payment.
///
/// Three parts, as for the mint: FMWalletCommon (these wire types, configs and the pure bitcoin logic both
/// sides share), FMWalletServer (the guardian side) and FMWalletClient (the user side).
public enum WalletKind {
    /// The module kind in federation configs.
    public static let kind: ModuleKind = "wallet"
    /// The versions of this module's client API this build serves and speaks (`version`; docs/rpc.md).
    public static let apiVersions = [APIVersion(1, 0)]
    /// The conventional instance number of the wallet in a federation (the mint is 0).
    public static let defaultInstance = ModuleInstanceID(1)
}
