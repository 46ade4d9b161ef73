import FMClientCore
import FMCore
import FMMintCommon
import Foundation

/// Reads the federation's issuance log from a cursor in compact pages and finds this wallet's outputs in it
/// (docs/wallet.md, "Recovery"; the endpoints in docs/rpc.md).
///
/// Each page is taken from one guardian (rotating) and accepted only if its records hash to the digest t
/// guardians agree on for that range; otherwise the other guardians are asked in turn. A guardian serving wrong
/// records or withholding some cannot change what is scanned: t guardians would have to sign off on the same
/// wrong digest. Several pages are in flight at once; matching is a hash-table look-up per record against the
/// blinded messages this wallet derives for each denomination (in parallel batches, at least ``gapLimit`` past
/// the highest index found).
struct HistoryScan: Sendable {
    let api: FederationAPI
    let config: MintClientConfig
    let derivation: NoteDerivation
    let gapLimit: UInt64

    /// Pages fetched concurrently.
    static let pagesInFlight = 4
    /// Indices derived per batch beyond what the gap requires, so a page rarely waits for a derivation.
    static let derivationBatch: UInt64 = 16

    /// One of this wallet's outputs in the log.
    struct Found: Sendable {
        let seq: UInt64
        let secret: NoteSecret
    }

    struct Outcome: Sendable {
        var found: [Found]
        /// Log records read.
        var scanned: UInt64
        /// Where the log ended when the scan did.
        var end: UInt64
    }

    /// Scans from `cursor` to the end of the log; derivation starts at `nextIndices` (indices below were accounted
    /// for by a snapshot; all zero without one).
    func run(
        from cursor: UInt64, nextIndices: [Denomination: UInt64], progress: (@Sendable (RecoveryProgress) -> Void)?
    ) async throws -> Outcome {
        let started = ContinuousClock.now
        var windows: [Denomination: Window] = [:]
        var found: [Found] = []
        var pending: [Task<FetchedPage, any Error>] = []
        var nextFrom = cursor
        var position = cursor
        let pageSize = UInt64(MintAPI.maxRecordsPerPage)
        defer { for task in pending { task.cancel() } }
        func launch() {
            let from = nextFrom
            nextFrom += pageSize
            pending.append(Task { try await fetchPage(from: from, primary: Int((from / pageSize) % UInt64(api.peers.count))) })
        }
        for _ in 0..<Self.pagesInFlight { launch() }
        while true {
            let page = try await pending.removeFirst().value
            let records = page.records
            var offset = 0
            var seq = position
            while offset < records.count {
                let denomination = Denomination(exponent: records[offset])
                if config.keys(for: denomination) != nil {
                    var window = windows[denomination] ?? Window(start: nextIndices[denomination] ?? 0)
                    if window.derivedEnd < window.wanted(gap: gapLimit) {
                        await window.extend(gap: gapLimit, denomination: denomination, derivation: derivation)
                    }
                    if let index = window.take(RecordKey(records, at: offset + 1)) {
                        found.append(Found(seq: seq, secret: derivation.secret(denomination: denomination, index: index)))
                        window.highestFound = max(window.highestFound ?? 0, index)
                    }
                    windows[denomination] = window
                }
                offset += MintAPI.recoveryRecordBytes
                seq += 1
            }
            position = seq
            progress?(RecoveryProgress(
                scanned: position - cursor, remaining: page.end.map { $0 > position ? $0 - position : 0 },
                elapsed: ContinuousClock.now - started))
            guard page.count == MintAPI.maxRecordsPerPage else {
                return Outcome(found: found, scanned: position - cursor, end: position)
            }
            launch()
        }
    }

    // MARK: Pages

    struct FetchedPage: Sendable {
        let count: UInt32
        let records: [UInt8]
        let end: UInt64?
    }

    /// The page at `from` whose digest t guardians agree on, its records from `primary` or, failing that, from
    /// the next guardian that serves records matching the digest.
    func fetchPage(from: UInt64, primary: Int) async throws -> FetchedPage {
        let peers = api.peers
        async let agreedAnswer = agreedDigest(from: from)
        async let firstAnswer = try? records(from: from, limit: MintAPI.maxRecordsPerPage, peer: peers[primary])
        let agreed = try await agreedAnswer
        if let first = await firstAnswer, first.page.digestOnly == agreed {
            return FetchedPage(count: agreed.count, records: first.records, end: first.page.end)
        }
        guard agreed.count > 0 else { return FetchedPage(count: 0, records: [], end: nil) }
        for offset in 1..<max(peers.count, 1) {
            let peer = peers[(primary + offset) % peers.count]
            if let answer = try? await records(from: from, limit: agreed.count, peer: peer), answer.page.digestOnly == agreed {
                return FetchedPage(count: agreed.count, records: answer.records, end: answer.page.end)
            }
        }
        throw FederationQueryError.rejected(
            method: MintAPI.method(MintAPI.recoveryPage), code: "no_matching_page",
            message: "no guardian served the records of log page \(from) that t guardians agree on")
    }

    /// The digest of the page at `from` as t guardians give it identically.
    func agreedDigest(from: UInt64) async throws -> MintAPI.RecoveryPage {
        try await api.agreedMint(
            MintAPI.recoveryPage, params: MintAPI.RecoveryPageParams(from: from, digestOnly: true), as: MintAPI.RecoveryPage.self)
    }

    /// One guardian's page with its records, checked for shape (the digest is checked by the caller).
    func records(from: UInt64, limit: UInt32, peer: PeerID) async throws -> (page: MintAPI.RecoveryPage, records: [UInt8]) {
        let json = try await api.transport.call(
            peer, method: MintAPI.method(MintAPI.recoveryPage),
            params: try JSONValue(MintAPI.RecoveryPageParams(from: from, limit: limit)), timeout: .seconds(30))
        let page = try json.decode(MintAPI.RecoveryPage.self)
        guard let hex = page.records, let bytes = Hex.decode(hex),
            bytes.count == Int(page.count) * MintAPI.recoveryRecordBytes, Hash256.sha256(bytes) == page.digest
        else { throw FederationQueryError.rejected(method: MintAPI.method(MintAPI.recoveryPage), code: "bad_page", message: "\(peer)") }
        return (page, bytes)
    }

    // MARK: Matching

    /// A blinded message as a hash-table key: its 48 bytes as six words.
    struct RecordKey: Hashable, Sendable {
        let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

        init(_ bytes: [UInt8], at offset: Int) {
            words = bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + offset
                func word(_ i: Int) -> UInt64 { (base + 8 * i).loadUnaligned(as: UInt64.self) }
                return (word(0), word(1), word(2), word(3), word(4), word(5))
            }
        }

        static func == (a: RecordKey, b: RecordKey) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
                && a.words.4 == b.words.4 && a.words.5 == b.words.5
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
        }
    }

    /// The blinded messages of one denomination derived so far, with their indices.
    struct Window: Sendable {
        /// The first index not accounted for (a snapshot's next index, else 0).
        let start: UInt64
        var indexByKey: [RecordKey: UInt64] = [:]
        var derivedEnd: UInt64
        var highestFound: UInt64?

        init(start: UInt64) {
            self.start = start
            derivedEnd = start
        }

        /// The index whose blinded message is `key`, removed so a message seen twice (a secret a broken wallet
        /// reused) is one note.
        mutating func take(_ key: RecordKey) -> UInt64? { indexByKey.removeValue(forKey: key) }

        /// How far derivation must reach: max(start, highest found + 1) + `gap`.
        func wanted(gap: UInt64) -> UInt64 { max(start, highestFound.map { $0 + 1 } ?? 0) + gap }

        /// Derives up to at least ``wanted(gap:)``, a batch at a time, in parallel.
        mutating func extend(gap: UInt64, denomination: Denomination, derivation: NoteDerivation) async {
            let wanted = wanted(gap: gap)
            guard derivedEnd < wanted else { return }
            let end = wanted + HistoryScan.derivationBatch
            for (index, key) in await Self.derive(derivedEnd..<end, denomination: denomination, derivation: derivation) {
                indexByKey[key] = index
            }
            derivedEnd = end
        }

        static func derive(
            _ range: Range<UInt64>, denomination: Denomination, derivation: NoteDerivation
        ) async -> [(UInt64, RecordKey)] {
            let lanes = UInt64(max(1, ProcessInfo.processInfo.activeProcessorCount))
            let chunk = max(1, (UInt64(range.count) + lanes - 1) / lanes)
            return await withTaskGroup(of: [(UInt64, RecordKey)].self) { group in
                for low in stride(from: range.lowerBound, to: range.upperBound, by: Int(chunk)) {
                    group.addTask {
                        (low..<min(low + chunk, range.upperBound)).map { index in
                            let bytes = derivation.secret(denomination: denomination, index: index).blindedMessage.canonicalBytes
                            return (index, RecordKey(bytes, at: 0))
                        }
                    }
                }
                var all: [(UInt64, RecordKey)] = []
                for await part in group { all += part }
                return all
            }
        }
    }
}
