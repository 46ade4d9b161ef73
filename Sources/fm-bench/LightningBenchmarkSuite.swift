import FMBenchmarking
import Foundation
import Synchronization

/// The measurement behind `fm-bench ln` (see its --help for what each row times).
struct LightningBenchmarkSuite {
    /// Fedimint's published Lightning payment latency, the figure issue 15 measures against.
    static let referenceSeconds = 2.9
    let network: LightningBenchmarkNetwork

    struct Result {
        var pay: BenchmarkResult
        var receive: BenchmarkResult
        var receivePayer: BenchmarkResult
        var command: BenchmarkResult
        var lightningOnly: BenchmarkResult
        var binDirectory: String

        var json: [String: Any] {
            func row(_ result: BenchmarkResult, ratio: Bool) -> [String: Any] {
                var row: [String: Any] = [
                    "count": result.iterations, "p50_ms": Self.ms(result.medianNanoseconds), "p99_ms": Self.ms(result.p99Nanoseconds),
                    "mean_ms": Self.ms(result.meanNanoseconds), "min_ms": Self.ms(result.minNanoseconds),
                ]
                if ratio { row["p50_to_reference"] = (result.medianNanoseconds / 1e9 / referenceSeconds * 1000).rounded() / 1000 }
                return row
            }
            return [
                "guardians": 4, "bin_dir": binDirectory, "build": Self.buildType(binDirectory),
                "reference_s": referenceSeconds, "reference": "Fedimint's published Lightning payment latency (~2.9 s)",
                "target_ms": 300,
                "pay": row(pay, ratio: true), "receive": row(receive, ratio: true), "receive_payer": row(receivePayer, ratio: false),
                "components": ["fm_ln_pay_list": row(command, ratio: false), "lightning_only_pay": row(lightningOnly, ratio: false)],
            ]
        }

        static func ms(_ nanoseconds: Double) -> Double { (nanoseconds / 1e5).rounded() / 10 }

        /// "debug" or "release" from SwiftPM's bin path (`.build/<triple>/debug`), else this executable's own build.
        static func buildType(_ path: String) -> String {
            if path.contains("/release") { return "release" }
            if path.contains("/debug") { return "debug" }
            #if DEBUG
            return "debug"
            #else
            return "release"
            #endif
        }
    }

    func measure(count: Int) throws -> Result {
        var pays: [Int64] = []
        var receives: [Int64] = []
        var payers: [Int64] = []
        for index in 0...count {
            let nanoseconds = try pay(label: "bench-pay-\(index)")
            if index > 0 { pays.append(nanoseconds) }  // the first is the warm-up
        }
        for index in 0...count {
            let (total, payer) = try receive()
            if index > 0 {
                receives.append(total)
                payers.append(payer)
            }
        }
        var commands: [Int64] = []
        var direct: [Int64] = []
        for index in 0..<count {
            commands.append(try time { try network.check("fm-ln-pay", ["list", "--data-dir", network.path("alice")]) })
            let bolt11 = try invoice(node: "gw", label: "bench-direct-\(index)")
            direct.append(try time { try network.ln("out", ["pay", bolt11]) })
        }
        return Result(
            pay: BenchmarkResult(name: "pay", samplesInNanoseconds: pays),
            receive: BenchmarkResult(name: "receive", samplesInNanoseconds: receives),
            receivePayer: BenchmarkResult(name: "receive (payer's pay)", samplesInNanoseconds: payers),
            command: BenchmarkResult(name: "fm-ln-pay list", samplesInNanoseconds: commands),
            lightningOnly: BenchmarkResult(name: "out pays gw directly", samplesInNanoseconds: direct),
            binDirectory: network.binDirectory.path)
    }

    /// `out`'s invoice of 50,000 msat is paid with `fm-ln-pay pay`: the command's wall time.
    func pay(label: String) throws -> Int64 {
        let bolt11 = try invoice(node: "out", label: label)
        var output = ""
        let nanoseconds = try time { output = try network.check("fm-ln-pay", ["pay", bolt11, "--data-dir", network.path("alice")]) }
        guard try LightningBenchmarkNetwork.object(output)["outcome"] as? String == "paid" else {
            throw BenchmarkSetupError("fm-ln-pay pay did not pay: \(output)")
        }
        return nanoseconds
    }

    func invoice(node: String, label: String) throws -> String {
        guard let bolt11 = try LightningBenchmarkNetwork.object(try network.ln(node, ["invoice", "50000", label, label]))["bolt11"] as? String
        else { throw BenchmarkSetupError("\(node) made no invoice") }
        return bolt11
    }

    /// `fm-ln-pay receive 40000 --wait` prints its invoice; `out` pays it. Times from starting the payer to the
    /// receiver's exit, and to the payer's return.
    func receive() throws -> (total: Int64, payer: Int64) {
        let process = Process()
        process.executableURL = network.binDirectory.appendingPathComponent("fm-ln-pay")
        process.arguments = ["receive", "40000", "--wait", "--data-dir", network.path("alice")]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let errors = Mutex("")
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            errors.withLock { $0 += text }
        }
        defer { stderr.fileHandleForReading.readabilityHandler = nil }
        try process.run()
        var bolt11: String?
        for _ in 0..<600 where bolt11 == nil && process.isRunning {
            bolt11 = errors.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix("invoice: ") }.map { String($0.dropFirst("invoice: ".count)) }
            }
            if bolt11 == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard let bolt11 else {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            throw BenchmarkSetupError("fm-ln-pay receive printed no invoice: \(errors.withLock { $0 })")
        }
        let start = ContinuousClock.now
        let paid = try LightningBenchmarkNetwork.object(try network.ln("out", ["pay", bolt11]))
        let payer = ContinuousClock.now - start
        guard paid["status"] as? String == "complete" else { throw BenchmarkSetupError("out's pay: \(paid)") }
        // Read to the end first (the process cannot block on a full pipe), then reap it.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let total = ContinuousClock.now - start
        let received = try LightningBenchmarkNetwork.object(String(decoding: output, as: UTF8.self))
        guard process.terminationStatus == 0, received["outcome"] as? String == "received" else {
            throw BenchmarkSetupError("fm-ln-pay receive: \(received) \(errors.withLock { $0 })")
        }
        return (Self.nanoseconds(total), Self.nanoseconds(payer))
    }

    func time(_ body: () throws -> Void) throws -> Int64 {
        let start = ContinuousClock.now
        try body()
        return Self.nanoseconds(ContinuousClock.now - start)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
