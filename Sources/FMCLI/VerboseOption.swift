import ArgumentParser

/// `--verbose`: when a command fails, also print the raw cause behind its one-line error (the transport's
/// own error values) on stderr. The JSON error on stdout carries it in `detail` either way.
public struct VerboseOption: ParsableArguments, Sendable {
    static let flag = "--verbose"

    @Flag(name: .customLong("verbose"), help: "On failure, also print the raw cause (e.g. the network error) on stderr.")
    public var verbose = false

    public init() {}
}
