import FMCore
import FMLightningServer
import FMMintServer
import FMWalletServer

/// Which modules a new federation runs, with which generation parameters: the one list both the testing dealer
/// and the DKG (``DistributedSetup``) build their configs from.
public struct FederationModulePlan: Hashable, Sendable {
    /// One module instance to generate.
    public struct Module: Hashable, Sendable {
        public var instance: ModuleInstanceID
        public var kind: ModuleKind
        /// The module's generation parameters (its init's `parameters`), a JSON object.
        public var parameters: JSONValue

        public init(instance: ModuleInstanceID, kind: ModuleKind, parameters: JSONValue) {
            self.instance = instance
            self.kind = kind
            self.parameters = parameters
        }
    }

    public var modules: [Module]

    public init(modules: [Module]) { self.modules = modules }

    /// The standard federation: the mint as instance 0, the wallet as instance 1, Lightning as instance 2. Every module gets `dev_mode`; `parameters` adds fields
    /// per module kind (e.g. `["mint": {"max_exponent": 10}]`), and `dev_mode` always follows `devMode`.
    public static func `default`(devMode: Bool, parameters: [ModuleKind: JSONValue] = [:]) -> FederationModulePlan {
        let kinds: [ModuleKind] = [MintServerInit().kind, WalletServerInit().kind, LightningServerInit().kind]
        return FederationModulePlan(modules: kinds.enumerated().map { index, kind in
            var fields: [String: JSONValue] = [:]
            if case .object(let given)? = parameters[kind] { fields = given }
            fields["dev_mode"] = .bool(devMode)
            return Module(instance: ModuleInstanceID(UInt16(index)), kind: kind, parameters: .object(fields))
        })
    }
}
