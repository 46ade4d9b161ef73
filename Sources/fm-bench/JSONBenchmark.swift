import ArgumentParser
import CJansson
import FMBenchmarking
import FMCLI
import Foundation

/// Measures the two JSON readers fm could use on one large document, the
/// measurement behind docs/decisions/0001-json.md: Foundation's JSONDecoder
/// straight into Codable types, and libjansson's parser followed by a walk of
/// its tree into the same types.
struct JSONBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Foundation JSONDecoder versus libjansson on one large document.",
        discussion: """
            Examples:
              swift run -c release fm-bench json
              swift run -c release fm-bench json --transactions 10000 --runs 3 --json
            """)

    @Option(help: "Transactions in the generated document (67,000 make about 58 MB).")
    var transactions = 67_000

    @Option(help: "Timed runs of each reader.")
    var runs = 5

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    func run() throws {
        let document = SyntheticLedger.document(transactions: transactions)
        StandardError.writeLine("fm-bench: document of \(document.count) bytes, \(transactions) transactions")

        let foundation = try Benchmark("Foundation JSONDecoder → Codable", iterations: runs, warmupIterations: 1).run {
            try JSONDecoder().decode(SyntheticLedger.self, from: document).transactions.count
        }
        let jansson = try Benchmark("jansson json_loadb + walk → same types", iterations: runs, warmupIterations: 1).run {
            try JanssonReader.ledger(from: document).transactions.count
        }
        // Both readers must agree, or the timing compares different work.
        let a = try JSONDecoder().decode(SyntheticLedger.self, from: document)
        let b = try JanssonReader.ledger(from: document)
        guard a == b else { throw ValidationError("the two readers decoded different values") }

        var report = BenchmarkReport(title: "JSON decoding, \(document.count / 1_000_000) MB", referenceName: foundation.name)
        report.add(foundation)
        report.add(jansson)
        StandardOutput.writeLine(json ? try report.json() : report.table())
    }
}

/// A document shaped like fm's own traffic: transactions of note inputs and blinded outputs.
struct SyntheticLedger: Codable, Equatable {
    struct Note: Codable, Equatable {
        var nonce: String
        var signature: String
    }
    struct Input: Codable, Equatable {
        var module: Int
        var amount: UInt64
        var note: Note
    }
    struct Output: Codable, Equatable {
        var module: Int
        var amount: UInt64
        var blindedMessage: String
        enum CodingKeys: String, CodingKey { case module, amount, blindedMessage = "blinded_message" }
    }
    struct Transaction: Codable, Equatable {
        var txid: String
        var nonce: UInt64
        var inputs: [Input]
        var outputs: [Output]
    }
    var transactions: [Transaction]

    static func document(transactions count: Int) -> Data {
        var state: UInt64 = 0x243f_6a88_85a3_08d3
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        func hex(_ bytes: Int) -> String {
            var s = ""
            s.reserveCapacity(bytes * 2)
            for _ in 0..<(bytes / 8) { s += String(next(), radix: 16).leftPadded(to: 16) }
            return s
        }
        let ledger = SyntheticLedger(
            transactions: (0..<count).map { _ in
                Transaction(
                    txid: hex(32), nonce: next() >> 1,
                    inputs: (0..<2).map { i in
                        Input(module: 0, amount: 1 << (10 + i), note: Note(nonce: hex(32), signature: hex(48)))
                    },
                    outputs: (0..<2).map { i in Output(module: 0, amount: 1 << (10 + i), blindedMessage: hex(48)) })
            })
        return try! JSONEncoder().encode(ledger)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// libjansson's tree, walked into the Codable types by hand.
enum JanssonReader {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func ledger(from data: Data) throws -> SyntheticLedger {
        var error = json_error_t()
        let root: UnsafeMutablePointer<json_t>? = data.withUnsafeBytes { raw in
            json_loadb(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count, 0, &error)
        }
        guard let root else { throw Failure(description: "jansson: line \(error.line)") }
        defer { json_decref(root) }
        let transactions = try array(root, "transactions")
        return SyntheticLedger(
            transactions: try (0..<json_array_size(transactions)).map { i in
                let tx = json_array_get(transactions, i)!
                let inputs = try array(tx, "inputs")
                let outputs = try array(tx, "outputs")
                return SyntheticLedger.Transaction(
                    txid: try string(tx, "txid"), nonce: UInt64(try integer(tx, "nonce")),
                    inputs: try (0..<json_array_size(inputs)).map { j in
                        let input = json_array_get(inputs, j)!
                        guard let note = json_object_get(input, "note") else { throw Failure(description: "note") }
                        return SyntheticLedger.Input(
                            module: Int(try integer(input, "module")), amount: UInt64(try integer(input, "amount")),
                            note: .init(nonce: try string(note, "nonce"), signature: try string(note, "signature")))
                    },
                    outputs: try (0..<json_array_size(outputs)).map { j in
                        let output = json_array_get(outputs, j)!
                        return SyntheticLedger.Output(
                            module: Int(try integer(output, "module")), amount: UInt64(try integer(output, "amount")),
                            blindedMessage: try string(output, "blinded_message"))
                    })
            })
    }

    private static func array(_ object: UnsafeMutablePointer<json_t>, _ key: String) throws -> UnsafeMutablePointer<json_t> {
        guard let value = json_object_get(object, key), value.pointee.type == JSON_ARRAY else {
            throw Failure(description: "\(key): expected an array")
        }
        return value
    }

    private static func string(_ object: UnsafeMutablePointer<json_t>, _ key: String) throws -> String {
        guard let value = json_object_get(object, key), let text = json_string_value(value) else {
            throw Failure(description: "\(key): expected a string")
        }
        return String(cString: text)
    }

    /// jansson integers are signed 64-bit (`json_int_t`): amounts above 2^63-1 msat cannot be read this way.
    private static func integer(_ object: UnsafeMutablePointer<json_t>, _ key: String) throws -> Int64 {
        guard let value = json_object_get(object, key), value.pointee.type == JSON_INTEGER else {
            throw Failure(description: "\(key): expected an integer")
        }
        return Int64(json_integer_value(value))
    }
}
