import FMEncoding

/// The federation's meta fields (issue 22): a revision and a bounded set of key-value pairs that the guardians
/// agree on through consensus (docs/decisions/0002-guardian-operations.md). Revision 0 is the empty set every
/// federation starts with. The same type is a guardian's proposal (of revision agreed + 1) and the agreed set.
///
/// Keys: the well-known ``knownKeys`` and any `app:`-prefixed key (``isValidKey(_:)``). Entries are kept sorted by
/// key and unique, so equal sets have equal canonical bytes.
public struct FederationMeta: Hashable, Sendable, Codable, CanonicalCodable {
    public struct Entry: Hashable, Sendable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public static let name = "name"
    public static let welcomeMessage = "welcome_message"
    /// Unix seconds (decimal) after which the federation intends to stop.
    public static let expiryTimestamp = "expiry_timestamp"
    /// The invite code of the federation that replaces this one.
    public static let successorInvite = "successor_invite"
    /// Gateway ids the guardians vouch for, comma-separated.
    public static let vettedGateways = "vetted_gateways"
    public static let knownKeys: Set<String> = [name, welcomeMessage, expiryTimestamp, successorInvite, vettedGateways]
    public static let appPrefix = "app:"

    /// Bounds that keep every proposal a small consensus item.
    public static let maxEntries = 32
    public static let maxKeyBytes = 64
    public static let maxValueBytes = 2_048
    public static let maxTotalBytes = 16_384

    public var revision: UInt64
    /// Sorted by key, keys unique.
    public private(set) var entries: [Entry]

    public static let empty = FederationMeta(revision: 0, sortedEntries: [])

    /// Validates `values` and sorts them (a bad key or value is an ``InvalidInput`` naming it).
    public init(revision: UInt64, values: [String: String]) throws(InvalidInput) {
        let entries = values.map { Entry(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        try Self.validate(entries)
        self.init(revision: revision, sortedEntries: entries)
    }

    private init(revision: UInt64, sortedEntries: [Entry]) {
        self.revision = revision
        entries = sortedEntries
    }

    public subscript(key: String) -> String? { entries.first { $0.key == key }?.value }

    public var values: [String: String] { Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) }

    /// A key is one of ``knownKeys`` or `app:` followed by 1–60 of `a-z 0-9 _ . -`.
    public static func isValidKey(_ key: String) -> Bool {
        if knownKeys.contains(key) { return true }
        guard key.hasPrefix(appPrefix), key.utf8.count <= maxKeyBytes else { return false }
        let rest = key.utf8.dropFirst(appPrefix.utf8.count)
        return !rest.isEmpty && rest.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }

    /// Checks one value against its key's rules.
    public static func validate(key: String, value: String) throws(InvalidInput) {
        guard isValidKey(key) else {
            throw InvalidInput(
                field: "key", expected: "one of \(knownKeys.sorted().joined(separator: ", ")) or app:NAME (a-z 0-9 _ . -)",
                code: "bad_meta_key")
        }
        guard !value.isEmpty, value.utf8.count <= maxValueBytes else {
            throw InvalidInput(field: key, expected: "a non-empty value of at most \(maxValueBytes) bytes", code: "bad_meta_value")
        }
        // Control characters would garble a client's terminal; the welcome message may have line breaks.
        let allowsNewlines = key == welcomeMessage || key.hasPrefix(appPrefix)
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || (allowsNewlines && $0 == "\n") }) else {
            throw InvalidInput(field: key, expected: "text without control characters", code: "bad_meta_value")
        }
        switch key {
        case expiryTimestamp:
            guard value.utf8.count <= 20, value.utf8.allSatisfy({ (48...57).contains($0) }), UInt64(value) != nil else {
                throw InvalidInput(field: key, expected: "unix seconds as a decimal number", code: "bad_meta_value")
            }
        case successorInvite:
            do { _ = try InviteCode(parsing: value) } catch {
                throw InvalidInput(field: key, expected: "an invite code (fed1...)", code: "bad_meta_value")
            }
        default: break
        }
    }

    /// Checks sorted entries: unique keys, every entry valid, within the count and total size.
    public static func validate(_ entries: [Entry]) throws(InvalidInput) {
        guard entries.count <= maxEntries else {
            throw InvalidInput(field: "meta", expected: "at most \(maxEntries) keys", code: "meta_too_large")
        }
        var total = 0
        for (index, entry) in entries.enumerated() {
            if index > 0, entries[index - 1].key >= entry.key {
                throw InvalidInput(field: "meta", expected: "keys sorted and unique", code: "bad_meta_key")
            }
            try validate(key: entry.key, value: entry.value)
            total += entry.key.utf8.count + entry.value.utf8.count
        }
        guard total <= maxTotalBytes else {
            throw InvalidInput(field: "meta", expected: "at most \(maxTotalBytes) bytes of keys and values", code: "meta_too_large")
        }
    }

    /// The expiry as unix seconds, if set.
    public var expiry: UInt64? { self[Self.expiryTimestamp].flatMap { UInt64($0) } }

    // MARK: - Canonical encoding: revision, then the entry count and each (key, value) as length-prefixed UTF-8.

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.write(revision)
        encoder.writeVarint(UInt64(entries.count))
        for entry in entries {
            encoder.write(entry.key)
            encoder.write(entry.value)
        }
    }

    /// Decodes within the bounds; anything out of bounds or unsorted is a decoding error.
    public init(from decoder: inout CanonicalDecoder) throws(CanonicalDecodingError) {
        revision = try decoder.read()
        let count = try decoder.readVarint()
        guard count <= UInt64(Self.maxEntries) else { throw .invalidValue("meta has \(count) entries") }
        var entries: [Entry] = []
        for _ in 0..<Int(count) {
            let key = try Self.readText(&decoder, maxBytes: Self.maxKeyBytes)
            let value = try Self.readText(&decoder, maxBytes: Self.maxValueBytes)
            entries.append(Entry(key: key, value: value))
        }
        do { try Self.validate(entries) } catch { throw .invalidValue("meta: \(error.description)") }
        self.entries = entries
    }

    private static func readText(_ decoder: inout CanonicalDecoder, maxBytes: Int) throws(CanonicalDecodingError) -> String {
        let raw = try decoder.readBytes(maxLength: maxBytes)
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidValue("meta text is not UTF-8") }
        return text
    }

    // JSON: {"revision": n, "entries": [{"key", "value"}]}; decoding validates like the canonical form.
    enum CodingKeys: String, CodingKey { case revision, entries }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        revision = try container.decode(UInt64.self, forKey: .revision)
        let entries = try container.decode([Entry].self, forKey: .entries)
        try Self.validate(entries)
        self.entries = entries
    }
}
