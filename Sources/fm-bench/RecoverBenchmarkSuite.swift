import FMBLS12381
import FMBenchmarking
import FMClient
import FMClientCore
import FMCore
import FMCrypto
import FMDatabase
import FMMintClient
import FMMintCommon
import FMMintServer
import FMServer
import Foundation

/// The measurement behind `fm-bench recover` (docs/benchmarks/recovery.md).
///
/// A 4-guardian federation in this process (as `fm-bench reissue` runs it) whose issuance log first holds
/// `foreignOutputs` outputs of other wallets, written into every guardian's log before it starts
/// (``MintHistorySeeding``: what dev-issues of as many outputs would leave, without minutes of blind signing),
/// then the measured wallet's own notes, issued through consensus, a snapshot uploaded, and more notes after it.
/// The wallet is then recovered from its mnemonic into fresh directories, without and with the snapshot.
struct RecoverBenchmarkSuite {
    /// Fedimint's published recovery rate (items per second), for comparison.
    static let fedimintItemsPerSecond = 30_000.0
    let foreignOutputs: Int
    let basePort: Int

    func run() async throws -> BenchmarkReport {
        var report = BenchmarkReport(
            title: "recovery from the mnemonic, 4 in-process guardians on loopback, \(foreignOutputs) foreign outputs in the log",
            referenceName: "scan without snapshot", clock: .wall)
        let seedStart = ContinuousClock.now
        let foreign = Self.foreignOutputs(foreignOutputs)
        let seedTime = ContinuousClock.now - seedStart
        let federation = try await BenchmarkFederation.start(size: 4, basePort: basePort) { node in
            try await MintHistorySeeding.append(foreign, tag: "fm-bench-recover", to: node.processor.database)
        }
        do {
            try await measure(federation, into: &report, seedTime: seedTime)
            await federation.stop()
        } catch {
            await federation.stop()
            throw error
        }
        return report
    }

    private func measure(_ federation: BenchmarkFederation, into report: inout BenchmarkReport, seedTime: Duration) async throws {
        let wallet = try await federation.wallet("owner", funds: Amount(msats: 1 << 22))
        _ = try await wallet.mint.await(try await wallet.mint.devIssue(Amount(msats: 777_777)))
        let upload = try await wallet.client.uploadBackup(force: true)
        _ = try await wallet.mint.await(try await wallet.mint.devIssue(Amount(msats: 123_456)))
        let expected = try await wallet.client.balance()
        let words = try ClientDirectory(path: federation.directory.appendingPathComponent("owner").path).loadMnemonic()!
        for useSnapshot in [false, true] {
            let directory = ClientDirectory(
                path: federation.directory.appendingPathComponent(useSnapshot ? "with-snapshot" : "full-scan").path)
            let start = ContinuousClock.now
            let recovery = try await FederationClient.recover(
                invite: federation.invite, mnemonic: words, directory: directory, modules: ClientModules.all,
                useSnapshot: useSnapshot)
            let total = ContinuousClock.now - start
            let balance = try await recovery.client.balance()
            guard balance == expected else {
                throw BenchmarkSetupError("recovered \(balance.msats) msat, the wallet holds \(expected.msats) msat")
            }
            guard let summary = recovery.modules.first(where: { $0.kind == MintKind.kind })?.summary,
                let mint = try? summary.decode(MintRecovery.Summary.self)
            else { throw BenchmarkSetupError("no mint recovery summary") }
            let scanSeconds = Double(mint.scanMilliseconds) / 1000
            let rate = scanSeconds > 0 ? Double(mint.scannedOutputs) / scanSeconds : 0
            report.add(
                BenchmarkResult(
                    name: useSnapshot ? "recover with snapshot (seq \(upload.sequence ?? 0))" : "recover without snapshot",
                    samplesInNanoseconds: [Int64(total.components.seconds) * 1_000_000_000 + total.components.attoseconds / 1_000_000_000]),
                note: String(
                    format: "%llu items scanned from %llu in %.3f s: %.0f items/s (%.1f× Fedimint's ~30,000); %d notes, %llu msat",
                    mint.scannedOutputs, mint.scanFrom, scanSeconds, rate, rate / Self.fedimintItemsPerSecond, mint.notes,
                    balance.msats))
        }
        report.add(
            BenchmarkResult(
                name: "building the foreign history (\(foreignOutputs) G1 points)",
                samplesInNanoseconds: [Int64(seedTime.components.seconds) * 1_000_000_000 + seedTime.components.attoseconds / 1_000_000_000]),
            note: "setup, not recovery: computed once, appended to each guardian's log before it starts")
    }

    /// `count` outputs of other wallets: distinct valid G1 points (multiples of the generator, one addition each),
    /// denominations cycling over 2^0 … 2^15.
    static func foreignOutputs(_ count: Int) -> [MintOutput] {
        var point = G1Point.generator
        var outputs: [MintOutput] = []
        outputs.reserveCapacity(count)
        for index in 0..<count {
            point = point + G1Point.generator
            outputs.append(MintOutput(denomination: Denomination(exponent: UInt8(index % 16)), blindedMessage: BlindedMessage(point)))
        }
        return outputs
    }
}
