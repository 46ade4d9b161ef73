import FMCore
import FMTesting
import Foundation
import Testing

/// The bounded soak of issue 16 (`bin/soak [MINUTES]`; not in `swift test` unless FM_SOAK_MINUTES is set): four
/// guardians, several wallets sending mixed traffic (dev issuance, payments to each other, spends taken back), and
/// guardians killed (-9 or SIGTERM) and restarted at random for MINUTES. At the end every operation has ended, the
/// wallets hold exactly what the mint owes (issued minus redeemed), the mint's assets are exactly what the wallets
/// dev-issued, every guardian holds the same state digest, and no guardian's resident memory exceeded the bound.
/// Prints one JSON line of figures (docs/benchmarks/reliability.md).
@Suite("soak", .serialized)
struct GuardianSoakTests {
    static let minutes = ProcessInfo.processInfo.environment["FM_SOAK_MINUTES"].flatMap(Double.init)
    /// The stated bound on a guardian's resident memory (debug build, SQLite caches included).
    static let rssBoundMiB = 512

    @Test(.enabled(if: minutes != nil, "set FM_SOAK_MINUTES (bin/soak) to run the soak"))
    func soak() throws {
        let minutes = try #require(Self.minutes)
        let seed = ProcessInfo.processInfo.environment["FM_FAULT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        let federation = try EcashFederation(basePort: 18150)
        defer { federation.stop() }
        let wallets = ["w0", "w1", "w2", "w3"]
        try federation.join(wallets[0], wallets[1], wallets[2], wallets[3])
        let deadline = Date().addingTimeInterval(minutes * 60)
        let counts = SoakCounts()

        let work = DispatchGroup()
        for (index, wallet) in wallets.enumerated() {
            DispatchQueue.global().async(group: work) {
                var random = SeededRandom(seed: seed &+ UInt64(index))
                while Date() < deadline {
                    let choice = Int.random(in: 0..<10, using: &random)
                    let amount = ProcessFaultTests.payment(Int.random(in: 0..<3, using: &random))
                    do {
                        if choice < 2 || (try? federation.balance(wallet)) ?? 0 < 6_000 {
                            let result = try federation.mint(wallet, ["dev-issue", "\(amount * 4)"])
                            // Exit 3 leaves the issuance running (it ends at the final await): issued, or not, later.
                            if result.status == 0 { counts.add(issued: amount * 4) } else { counts.add(failed: 1, pending: amount * 4) }
                        } else {
                            let notes = try federation.spend(wallet, amount)
                            // A payment to another wallet, or (one in five) the sender takes its spend back.
                            let receiver = choice == 9 ? wallet : wallets[(index + 1 + choice % 3) % wallets.count]
                            let received = try ProcessFaultTests.receive(federation, receiver, notes, attempts: 240) != nil
                            counts.add(transfers: received ? 1 : 0, lost: received ? 0 : 1)
                        }
                    } catch {
                        counts.add(failed: 1)
                        Thread.sleep(forTimeInterval: 0.5)
                    }
                }
            }
        }

        // Chaos and memory: every few seconds a random guardian is killed and comes back; RSS is sampled.
        var random = SeededRandom(seed: seed)
        var kills = 0
        var maxRSS = [Int](repeating: 0, count: federation.peers)
        while Date() < deadline {
            for peer in 0..<federation.peers {
                if let pid = federation.processID(peer), let rss = Self.residentKiB(pid) { maxRSS[peer] = max(maxRSS[peer], rss) }
            }
            Thread.sleep(forTimeInterval: Double.random(in: 3...12, using: &random))
            let victim = Int.random(in: 0..<federation.peers, using: &random)
            federation.kill(victim, signal: Bool.random(using: &random) ? SIGKILL : SIGTERM)
            kills += 1
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...4, using: &random))
            try federation.start(victim)
            try federation.waitUntilServing(victim)
        }
        work.wait()

        try ProcessFaultTests.expectNothingLostAndOneState(federation, wallets: wallets, context: "soak, FM_FAULT_SEED=\(seed)")
        let held = try wallets.map(federation.balance).reduce(0, +)
        let audit = try federation.audit(0)
        let mint = (audit["modules"] as? [[String: Any]])?.first { $0["kind"] as? String == "mint" }
        let totals = counts.snapshot()
        // Dev mode: the mint's assets are what was dev-issued; an issuance whose command was cut off may have gone through.
        let assets = mint?["assets"] as? Int ?? -1
        #expect(assets >= totals.issued && assets <= totals.issued + totals.pending,
                "mint assets \(assets) vs dev-issued \(totals.issued) (+ up to \(totals.pending) cut off)")
        #expect(totals.lost == 0, "\(totals.lost) payments never arrived")
        let boundKiB = Self.rssBoundMiB * 1024
        #expect(maxRSS.allSatisfy { $0 < boundKiB }, "guardian RSS (KiB) \(maxRSS) over \(Self.rssBoundMiB) MiB")
        let height = try federation.status(0)["block_height"] as? Int ?? 0
        let summary: [String: Any] = [
            "minutes": minutes, "seed": "\(seed)", "kills": kills, "dev_issued_msat": assets,
            "payments": totals.transfers, "retries_and_failed_commands": totals.failed, "lost": totals.lost,
            "wallets_hold_msat": held, "mint_liabilities_msat": mint?["liabilities"] as? Int ?? -1,
            "fees_msat": assets - held, "blocks": height, "max_rss_mib": maxRSS.map { $0 / 1024 },
        ]
        let line = try JSONSerialization.data(withJSONObject: summary, options: .sortedKeys)
        print("soak summary: \(String(decoding: line, as: UTF8.self))")
    }

    /// VmRSS of `pid` in KiB, from /proc.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// What the soak's workers did, shared among them.
final class SoakCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var totals = (issued: 0, pending: 0, transfers: 0, failed: 0, lost: 0)

    func add(issued: Int = 0, transfers: Int = 0, failed: Int = 0, lost: Int = 0, pending: Int = 0) {
        lock.withLock {
            totals.issued += issued
            totals.pending += pending
            totals.transfers += transfers
            totals.failed += failed
            totals.lost += lost
        }
    }

    func snapshot() -> (issued: Int, pending: Int, transfers: Int, failed: Int, lost: Int) { lock.withLock { totals } }
}
