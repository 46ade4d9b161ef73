import FMEncoding

/// The consensus versions a binary supports (docs/decisions/0002-guardian-operations.md, "Consensus versions"), by component (`core` and module kinds): sorted by name, names
/// unique, each with its versions strictly increasing. Bounded so that an announcement stays a small item; decoding
/// enforces every bound, so an out-of-bounds announcement never reaches state.
public struct SupportedConsensusVersions: Hashable, Sendable, Codable, CanonicalCodable {
    public struct Component: Hashable, Sendable, Codable {
        public var name: String
        public var versions: [UInt32]
        public init(name: String, versions: [UInt32]) {
            self.name = name
            self.versions = versions
        }
    }

    /// The version every component starts at (``FMServerCore/ConsensusVersions/genesis``).
    public static let firstVersion: UInt32 = 1
    public static let maxComponents = 16
    public static let maxNameBytes = 32
    public static let maxVersions = 8

    public private(set) var components: [Component]

    /// Validates and sorts `versions` (a bad entry is an ``InvalidInput`` naming it).
    public init(_ versions: [String: [UInt32]]) throws(InvalidInput) {
        let components = versions.map { Component(name: $0.key, versions: $0.value.sorted()) }.sorted { $0.name < $1.name }
        try Self.validate(components)
        self.components = components
    }

    /// Every one of `components` at ``firstVersion`` only: what a guardian that never announced supports.
    public static func genesis(_ components: [String]) -> SupportedConsensusVersions {
        // Component names come from the federation's own module kinds, which are valid names.
        (try? SupportedConsensusVersions(Dictionary(components.map { ($0, [Self.firstVersion]) }) { a, _ in a }))
            ?? SupportedConsensusVersions(unchecked: [])
    }

    private init(unchecked components: [Component]) { self.components = components }

    /// The versions of `component`; a component left out supports ``firstVersion`` only.
    public func versions(of component: String) -> [UInt32] {
        components.first { $0.name == component }?.versions ?? [Self.firstVersion]
    }

    /// Whether this binary applies `component`'s `version`.
    public func supports(_ component: String, _ version: UInt32) -> Bool { versions(of: component).contains(version) }

    /// Names: 1–32 of `a-z 0-9 _ -`; versions: 1–8 per component, each ≥ 1, strictly increasing; at most 16
    /// components, sorted by name and unique.
    static func validate(_ components: [Component]) throws(InvalidInput) {
        guard components.count <= maxComponents else {
            throw InvalidInput(field: "consensus_versions", expected: "at most \(maxComponents) components")
        }
        for (index, component) in components.enumerated() {
            if index > 0, components[index - 1].name >= component.name {
                throw InvalidInput(field: "consensus_versions", expected: "components sorted and unique")
            }
            let name = component.name.utf8
            guard (1...maxNameBytes).contains(name.count), name.allSatisfy(Self.isNameByte) else {
                throw InvalidInput(field: "consensus_versions", expected: "component names of 1–\(maxNameBytes) of a-z 0-9 _ -")
            }
            let versions = component.versions
            guard (1...maxVersions).contains(versions.count), versions[0] >= Self.firstVersion,
                zip(versions, versions.dropFirst()).allSatisfy({ $0 < $1 })
            else {
                throw InvalidInput(
                    field: "consensus_versions.\(component.name)", expected: "1–\(maxVersions) distinct versions, each at least 1")
            }
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    // MARK: - Canonical encoding: the component count, then each name (length-prefixed UTF-8) and its versions.

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.writeVarint(UInt64(components.count))
        for component in components {
            encoder.write(component.name)
            encoder.write(component.versions)
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        let count = try decoder.readVarint()
        guard count <= UInt64(Self.maxComponents) else { throw .invalidValue("\(count) consensus version components") }
        var components: [Component] = []
        for _ in 0..<Int(count) {
            let raw = try decoder.readBytes(maxLength: Self.maxNameBytes)
            guard let name = String(validating: raw, as: UTF8.self) else { throw .invalidValue("component name is not UTF-8") }
            let versions = try decoder.readVector(UInt32.self, maxCount: Self.maxVersions)
            components.append(Component(name: name, versions: versions))
        }
        do { try Self.validate(components) } catch { throw .invalidValue("consensus versions: \(error.description)") }
        self.components = components
    }

    // JSON: {"components": [{"name", "versions"}]}; decoding validates like the canonical form.
    enum CodingKeys: String, CodingKey { case components }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let components = try container.decode([Component].self, forKey: .components)
        try Self.validate(components)
        self.components = components
    }
}

/// A guardian's announcement of the consensus versions its binary supports (`FederationItem` variant 6). It
/// names its guardian, who must be the block's proposer (it counts only for that guardian), and carries a random
/// nonce so that announcing a set again after a change (a downgrade and back) is a new item.
public struct ConsensusVersionAnnouncement: Hashable, Sendable, Codable, CanonicalCodable {
    public let peer: PeerID
    public let nonce: UInt64
    public let supported: SupportedConsensusVersions

    public init(peer: PeerID, supported: SupportedConsensusVersions, nonce: UInt64 = .random(in: .min ... .max)) {
        self.peer = peer
        self.nonce = nonce
        self.supported = supported
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(peer)
        encoder.write(nonce)
        encoder.write(supported)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        peer = try decoder.read()
        nonce = try decoder.read()
        supported = try decoder.read()
    }
}
