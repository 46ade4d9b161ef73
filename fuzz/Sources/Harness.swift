import Foundation

/// One fuzz target: a decoder fed bytes from outside, the properties it must keep, and the seeds it starts from.
///
/// `run` returns normally for every input the decoder rejects; a trap, a sanitizer report or a broken property
/// (``require(_:_:)``) is a crash that libFuzzer saves as a reproducer.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void
    /// Meaningful starting inputs built from real encodings (written by `bin/fuzz --seed` into fuzz/corpus/NAME/).
    let seeds: @Sendable () -> [[UInt8]]
}

/// Every target, by name. A new decoder of outside bytes gets its target here and a corpus directory.
let allTargets: [FuzzTarget] =
    encodingTargets + consensusTargets + moduleTargets + textTargets + networkTargets + bitcoinTargets + cryptoTargets
    + bolt11Targets + lightningTargets + lightningRPCTargets

/// A property every accepted input must keep; breaking it is a crash with the input saved.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("fm-fuzz: property broken: \(message())\n".utf8))
        abort()
    }
}

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment["FM_FUZZ_WRITE_SEEDS"] {
        writeSeeds(to: directory)
        exit(0)
    }
    guard let name = environment["FM_FUZZ_TARGET"], let target = allTargets.first(where: { $0.name == name }) else {
        let names = allTargets.map(\.name).joined(separator: " ")
        FileHandle.standardError.write(Data("fm-fuzz: set FM_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected!.run(bytes)
    return 0
}

/// Writes each target's seeds as fuzz/corpus/NAME/seed-NN (content-named files would churn on every change).
private func writeSeeds(to directory: String) {
    let manager = FileManager.default
    for target in allTargets {
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(target.name)
        try! manager.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, seed) in target.seeds().enumerated() {
            // Every seed must pass its own target, so a seed cannot hide a broken property.
            target.run(seed)
            let file = folder.appendingPathComponent(String(format: "seed-%02d", index))
            try! Data(seed).write(to: file)
        }
    }
}
