/// A version of an API (the core's or one module's): `major.minor` on the wire. A new major breaks clients of
/// the old one; a new minor only adds. A guardian serving `M.n` serves every `M.m` with m ≤ n.
public struct APIVersion: Hashable, Comparable, Sendable, Codable, LosslessStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(_ major: UInt32, _ minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: APIVersion, b: APIVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    /// Whether a side that serves `self` can answer a client speaking `version`.
    public func serves(_ version: APIVersion) -> Bool { major == version.major && minor >= version.minor }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = APIVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "MAJOR.MINOR"))
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The API versions one side speaks: the core API's and each module kind's (`version` on the guardian's API).
public struct SupportedAPIVersions: Hashable, Sendable, Codable {
    /// The name of the core API in ``modules``-like messages.
    public static let core = "core"

    public var core: [APIVersion]
    public var modules: [String: [APIVersion]]

    public init(core: [APIVersion], modules: [String: [APIVersion]]) {
        self.core = core
        self.modules = modules
    }

    /// The versions of the core API this build speaks: 1.1 adds `await_output_outcomes`; 1.0 stays listed so that
    /// a client of this build still agrees on a version with guardians of older releases (it falls back per guardian).
    public static let coreVersions = [APIVersion(1, 0), APIVersion(1, 1)]

    /// The versions of `component` (``core`` or a module kind).
    public func versions(of component: String) -> [APIVersion]? {
        component == Self.core ? core : modules[component]
    }

    /// TEST ONLY: these versions with components replaced as `spec` says (`ln=2.0`, `core=1.0;2.0`, comma
    /// separated; `;` between one component's versions). Used by dev builds and dev federations to pretend to be
    /// another release (`FM_TEST_API_VERSIONS`, `FM_TEST_CLIENT_API_VERSIONS`).
    public func overridden(by spec: String) throws(InvalidInput) -> SupportedAPIVersions {
        var result = self
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let versions = parts.count == 2 ? parts[1].split(separator: ";").compactMap { APIVersion(String($0)) } : []
            guard parts.count == 2, !versions.isEmpty, versions.count == parts[1].split(separator: ";").count else {
                throw InvalidInput(field: "API version override", expected: "KIND=MAJOR.MINOR[;MAJOR.MINOR],... (e.g. ln=2.0)")
            }
            if parts[0] == Self.core { result.core = versions } else { result.modules[parts[0]] = versions }
        }
        return result
    }

    /// For each component this side speaks, the highest of its versions that at least `threshold` of `guardians`
    /// serve. Components the guardians do not list (a module the federation does not run) are skipped.
    ///
    /// - Throws: ``APIVersionMismatch`` for the first component without such a version, saying which side is behind.
    public func negotiate(
        with guardians: [SupportedAPIVersions], threshold: Int
    ) throws(APIVersionMismatch) -> [String: APIVersion] {
        var chosen: [String: APIVersion] = [:]
        for component in [Self.core] + modules.keys.sorted() {
            guard let ours = versions(of: component), !ours.isEmpty else { continue }
            let theirs = guardians.compactMap { $0.versions(of: component) }
            guard !theirs.isEmpty else { continue }
            let agreed = ours.sorted(by: >).first { version in
                theirs.filter { served in served.contains { $0.serves(version) } }.count >= threshold
            }
            guard let agreed else {
                throw APIVersionMismatch(component: component, client: ours, guardians: theirs.flatMap { $0 })
            }
            chosen[component] = agreed
        }
        return chosen
    }
}

/// No version of one API that this client speaks is served by a quorum of guardians.
public struct APIVersionMismatch: ReportableError, Equatable {
    public let component: String
    public let client: [APIVersion]
    public let guardians: [APIVersion]

    public init(component: String, client: [APIVersion], guardians: [APIVersion]) {
        self.component = component
        self.client = client
        self.guardians = guardians
    }

    public var category: FailureCategory { .failed }
    public var code: String { "api_version_mismatch" }

    public var description: String {
        let name = component == SupportedAPIVersions.core ? "core" : component
        // Disjoint majors read best as `2.x`; within one major the minors are what differs.
        let sameMajor = !Set(client.map(\.major)).isDisjoint(with: guardians.map(\.major))
        let served = sameMajor ? Self.list(guardians) : Self.majors(guardians)
        let spoken = sameMajor ? Self.list(client) : Self.majors(client)
        // Guardians ahead of every version the client speaks: the client is the one to upgrade.
        if let newestOurs = client.max(), let oldestTheirs = guardians.min(), oldestTheirs.major > newestOurs.major {
            return "guardians serve \(name) API \(served), this client speaks \(spoken): upgrade the client"
        }
        return "this client speaks \(name) API \(spoken), the guardians serve \(served.isEmpty ? "none" : served): upgrade the guardians"
    }

    /// `1.0` or `1.0, 1.2`.
    static func list(_ versions: [APIVersion]) -> String { Set(versions).sorted().map(\.description).joined(separator: ", ") }

    /// `1.x` or `1.x, 2.x`.
    static func majors(_ versions: [APIVersion]) -> String {
        Set(versions.map(\.major)).sorted().map { "\($0).x" }.joined(separator: ", ")
    }
}
