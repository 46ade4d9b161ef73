import FMCore
import FMMintServer
import FMServerCore

/// The module kinds this guardian can run: one ``ServerModuleInit`` per kind.
public struct ModuleRegistry: Sendable {
    private let inits: [ModuleKind: any ServerModuleInit]

    public init(_ inits: [any ServerModuleInit]) {
        self.inits = Dictionary(inits.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every module kind fm-node ships with.
    public static let standard = ModuleRegistry([MintServerInit()])

    public func moduleInit(for kind: ModuleKind) -> (any ServerModuleInit)? { inits[kind] }
}
