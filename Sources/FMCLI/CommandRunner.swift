import ArgumentParser
import FMCore
import Foundation
import Logging

/// Runs an fm command with the conventions every executable shares:
/// results as JSON on stdout, messages on stderr, and failures reported both
/// as one human line on stderr and as `{"error": {...}}` on stdout, with the
/// exit codes of `ExitStatus`.
///
/// Use it from the root command: `static func main() async { await CommandRunner.main(Self.self) }`.
public enum CommandRunner {
    public static func main<Root: ParsableCommand>(_ root: Root.Type, arguments: [String]? = nil) async -> Never {
        let tool = Root.configuration.commandName ?? "\(Root.self)"
        let command: any ParsableCommand
        do {
            command = try Root.parseAsRoot(arguments)
        } catch {
            reportParseFailure(error, root: Root.self, tool: tool)
        }
        LogSetup.bootstrap(tool: tool)
        let verbose = (arguments ?? Array(CommandLine.arguments.dropFirst())).contains(VerboseOption.flag)
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            exit(ExitStatus.ok.rawValue)
        } catch let error as any ReportableError {
            report(ErrorReport(error), tool: tool, verbose: verbose)
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch {
            if Root.exitCode(for: error) == .success { reportParseFailure(error, root: Root.self, tool: tool) }
            report(ErrorReport(code: "internal", category: .failed, message: String(describing: error)), tool: tool)
        }
    }

    /// Prints an error in both forms and exits with its category's code. The raw cause (`detail`) is
    /// always in the JSON; on stderr only with `verbose` (``VerboseOption``), as a second line.
    public static func report(_ report: ErrorReport, tool: String, verbose: Bool = false) -> Never {
        StandardError.writeLine("\(tool): error: \(report.message)")
        if verbose, let detail = report.detail { StandardError.writeLine("\(tool): detail: \(detail)") }
        try? StandardOutput.emit(ErrorEnvelope(error: report))
        exit(ExitStatus(report.category).rawValue)
    }

    private static func reportParseFailure<Root: ParsableCommand>(_ error: any Error, root: Root.Type, tool: String) -> Never {
        let code = Root.exitCode(for: error)
        if code == .success {
            // --help, --version and completion scripts are the requested output.
            StandardOutput.writeLine(Root.fullMessage(for: error))
            exit(ExitStatus.ok.rawValue)
        }
        if let reportable = error as? any ReportableError { report(ErrorReport(reportable), tool: tool) }
        var message = Root.message(for: error)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
        report(
            ErrorReport(code: "usage", category: .badInput, message: firstLine + " (see --help)"),
            tool: tool)
    }
}

/// `{"error": {...}}`: the one shape of a failure on stdout.
public struct ErrorEnvelope: Codable, Sendable {
    public let error: ErrorReport
}
