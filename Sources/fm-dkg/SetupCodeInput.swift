import FMCore
import FMSetup
import Foundation

/// Reads setup codes from files or stdin, naming each by where it came from (for errors).
enum SetupCodeInput {
    /// Each file holds one JSON object (fm-keygen's setup-code.json) or JSON lines; '-' or no file reads JSON
    /// lines from stdin.
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
            if file != "-", let code = try? JSONConventions.decode(SetupCode.self, from: data, what: name) {
                codes.append(code)
                sources.append(name)
                continue
            }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let source = "\(name) line \(index + 1)"
                do {
                    codes.append(try JSONConventions.decode(SetupCode.self, from: Data(line.utf8), what: "setup code"))
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
}
