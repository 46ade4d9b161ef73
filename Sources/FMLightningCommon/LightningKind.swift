import FMCore

/// The Lightning module (issue 15): contracts that let users pay and receive Lightning payments through a gateway
/// without trusting it with their money (docs/lightning.md).
///
/// Split like the mint and the wallet: FMLightningCommon (these wire types and configs), FMLightningServer (the
/// guardian side) and FMLightningClient (the user side).
public enum LightningKind {
    /// The module kind in federation configs.
    public static let kind: ModuleKind = "ln"
    /// The versions of this module's client API this build serves and speaks (`version`; docs/rpc.md).
    public static let apiVersions = [APIVersion(1, 0)]
    /// The conventional instance number of the Lightning module in a federation (after the mint and the wallet).
    public static let defaultInstance = ModuleInstanceID(2)
}

/// Bounds every decoder applies to values from outside (docs/lightning.md, "Bounds").
public enum LightningBounds {
    /// 21 million BTC in msat: no contract, fee or announcement amount may exceed it.
    public static let maxAmount = Amount(msats: 21_000_000 * Amount.msatsPerBitcoin)
    /// The latest timelock a contract may carry: 2100-01-01T00:00:00Z in unix seconds.
    public static let maxTimestamp: UInt64 = 4_102_444_800
    /// A gateway's API URL, in UTF-8 bytes.
    public static let maxURLLength = 256
    /// Proportional fees above 10% are refused as nonsense.
    public static let maxFeePartsPerMillion: UInt64 = 100_000
}
