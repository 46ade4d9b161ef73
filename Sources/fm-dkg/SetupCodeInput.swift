import FMCore
import FMSetup
import Foundation

/// Reads setup codes from files or stdin, naming each by where it came from (for errors).
///
/// A file or stdin holds one or more setup codes as JSON objects one after the other: JSON lines, or
/// pretty-printed objects as fm-keygen writes them (`cat */setup-code.json | fm-dkg …` works).
enum SetupCodeInput {
    static func read(_ files: [String]) throws(InvalidInput) -> (codes: [SetupCode], sources: [String]) {
        var codes: [SetupCode] = []
        var sources: [String] = []
        for file in files.isEmpty ? ["-"] : files {
            let data: Data
            let name: String
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
                name = "stdin"
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw InvalidInput(field: file, expected: "a readable setup code file", code: "invalid_setup_code")
                }
                data = contents
                name = file
            }
            for object in try objects(in: Array(data), source: name) {
                let source = "\(name) line \(object.line)"
                do {
                    codes.append(try JSONConventions.decode(SetupCode.self, from: Data(object.bytes), what: "setup code"))
                } catch {
                    throw InvalidInput(field: "\(source): \(error.field ?? "setup code")", expected: error.expected,
                                       code: "invalid_setup_code")
                }
                sources.append(source)
            }
        }
        guard !codes.isEmpty else {
            throw InvalidInput(field: "setup codes", expected: "the setup codes of all guardians (JSON lines on stdin or files)",
                               code: "invalid_setup_code")
        }
        return (codes, sources)
    }

    /// Splits concatenated top-level JSON objects, each with the line it starts on; anything else between them
    /// but whitespace is an error naming its line.
    static func objects(in bytes: [UInt8], source: String) throws(InvalidInput) -> [(line: Int, bytes: ArraySlice<UInt8>)] {
        var objects: [(line: Int, bytes: ArraySlice<UInt8>)] = []
        var line = 1, startLine = 1, start = 0, depth = 0
        var inString = false, escaped = false
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where depth > 0: inString = true
            case UInt8(ascii: "{"):
                if depth == 0 { start = index; startLine = line }
                depth += 1
            case UInt8(ascii: "}") where depth > 0:
                depth -= 1
                if depth == 0 { objects.append((startLine, bytes[start...index])) }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): break
            default:
                if depth == 0 {
                    throw InvalidInput(field: "\(source) line \(line)", expected: "a setup code: a JSON object", code: "invalid_setup_code")
                }
            }
        }
        guard depth == 0 else {
            throw InvalidInput(field: "\(source) line \(startLine)", expected: "a complete JSON object", code: "invalid_setup_code")
        }
        return objects
    }
}
