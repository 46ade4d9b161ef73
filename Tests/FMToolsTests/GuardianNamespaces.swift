import Foundation

/// One Linux network namespace per guardian (`ip netns`), each joined by a veth pair to a bridge in the test's own
/// namespace, where the clients run: guardian i is SUBNET.(i+1), the bridge SUBNET.254. Optionally `tc netem`
/// shapes every guardian's outgoing traffic, so each message between guardians crosses one lossy, jittery hop.
/// Names and subnet derive from the test process id, so concurrent runs do not collide. ``remove()`` deletes
/// everything (also after a failed setup); call it in a `defer`.
final class GuardianNamespaces: @unchecked Sendable {
    let count: Int
    let prefix: String
    let subnet: String

    /// Why these tests cannot run here (nil when they can): they need root and iproute2.
    static let unavailable: String? = {
        guard getuid() == 0 else { return "network namespaces need root" }
        guard let ip = try? run(["ip", "netns", "list"]), ip.status == 0 else { return "iproute2 (`ip`) is not installed" }
        return nil
    }()

    /// Why `tc netem` cannot be used here (nil when it can): probed on a scratch namespace.
    static let netemUnavailable: String? = {
        if let reason = unavailable { return reason }
        let probe = "fmprobe\(getpid() % 100_000)"
        defer { _ = try? run(["ip", "netns", "del", probe]) }
        guard (try? run(["ip", "netns", "add", probe]))?.status == 0 else { return "cannot create a network namespace" }
        guard let tc = try? run(["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"])
        else { return "`tc` is not installed" }
        return tc.status == 0 ? nil : "this kernel has no netem qdisc (sch_netem): \(tc.output)"
    }()

    init(count: Int, netem: [String]? = nil) throws {
        self.count = count
        let id = Int(getpid())
        prefix = "fm\(id % 100_000)"
        subnet = "10.231.\(id % 250)"
        do { try create(netem: netem) } catch {
            remove()
            throw error
        }
    }

    func namespace(_ guardian: Int) -> String { "\(prefix)g\(guardian)" }
    func host(_ guardian: Int) -> String { "\(subnet).\(guardian + 1)" }
    private var bridge: String { "\(prefix)br" }
    private func inside(_ guardian: Int) -> String { "\(prefix)g\(guardian)n" }
    private func outside(_ guardian: Int) -> String { "\(prefix)g\(guardian)h" }

    /// The command prefix that runs a program in guardian `guardian`'s namespace.
    func launcher(_ guardian: Int) -> [String] { ["/usr/bin/env", "ip", "netns", "exec", namespace(guardian)] }

    private func create(netem: [String]?) throws {
        try Self.must(["ip", "link", "add", bridge, "type", "bridge"])
        try Self.must(["ip", "addr", "add", "\(subnet).254/24", "dev", bridge])
        try Self.must(["ip", "link", "set", bridge, "up"])
        for guardian in 0..<count {
            let ns = namespace(guardian)
            try Self.must(["ip", "netns", "add", ns])
            try Self.must(["ip", "link", "add", outside(guardian), "type", "veth", "peer", "name", inside(guardian)])
            try Self.must(["ip", "link", "set", inside(guardian), "netns", ns])
            try Self.must(["ip", "link", "set", outside(guardian), "master", bridge, "up"])
            try Self.must(["ip", "-n", ns, "addr", "add", "\(host(guardian))/24", "dev", inside(guardian)])
            try Self.must(["ip", "-n", ns, "link", "set", inside(guardian), "up"])
            try Self.must(["ip", "-n", ns, "link", "set", "lo", "up"])
            if let netem {
                try Self.must(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", inside(guardian), "root", "netem"] + netem)
            }
        }
    }

    /// Cuts guardian `guardian` off the network (its link down) or heals it.
    func setLink(_ guardian: Int, up: Bool) throws {
        try Self.must(["ip", "-n", namespace(guardian), "link", "set", inside(guardian), up ? "up" : "down"])
    }

    /// Deletes the namespaces (their veth ends go with them) and the bridge; ignores what does not exist.
    func remove() {
        for guardian in 0..<count {
            _ = try? Self.run(["ip", "netns", "del", namespace(guardian)])
            _ = try? Self.run(["ip", "link", "del", outside(guardian)])
        }
        _ = try? Self.run(["ip", "link", "del", bridge])
    }

    private static func must(_ arguments: [String]) throws {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw EcashFederationError("`\(arguments.joined(separator: " "))` failed: \(result.output)")
        }
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
