import FMCore
import Foundation

/// Results go to stdout as JSON, one object per line.
public enum StandardOutput {
    public static func emit(_ value: some Encodable) throws {
        writeLine(try JSONConventions.line(value))
    }

    public static func writeLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}

/// Human messages and logs go to stderr, so pipes carry only JSON.
public enum StandardError {
    public static func writeLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

public enum StandardInput {
    /// Reads all of stdin, refusing more than `limit` bytes so a runaway pipe cannot exhaust memory.
    public static func readAll(limit: Int = 16 << 20, field: String = "stdin") throws(InvalidInput) -> Data {
        var data = Data()
        while true {
            let chunk = FileHandle.standardInput.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.count > limit {
                throw InvalidInput(field: field, expected: "at most \(limit) bytes of input", code: "input_too_large")
            }
        }
        return data
    }

    /// True when stdin is a terminal rather than a pipe or file.
    public static var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}
