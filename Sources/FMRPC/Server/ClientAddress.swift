#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import NIOCore

/// Who a remote address is, for every per-client limit (the guardian API, fm-gateway's public API, the dashboard's
/// logins): one host may own a whole IPv6 /64 (a subnet is routed to one machine), so keying by the full address
/// would give it 2^64 budgets. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack listener sees for IPv4
/// clients) is the IPv4 host; grouping those by /64 would put every IPv4 client in one bucket.
public struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    /// The key of per-client limits: an IPv4 address (`192.0.2.7`) or an IPv6 /64 (`2001:db8:0:1::/64`);
    /// `unknown` when there is no IP address (a Unix socket), the text itself when it does not parse.
    public let key: String
    /// The network around the client, for caps wider than one client's: its IPv4 /24 or IPv6 /48 (a typical
    /// end-site allocation), e.g. `192.0.2.0/24`, `2001:db8::/48`.
    public let network: String

    /// - Parameter ipAddress: the remote IP address as text (NIO's `SocketAddress.ipAddress`), nil for none.
    public init(_ ipAddress: String?) {
        guard let ipAddress, let address = try? SocketAddress(ipAddress: ipAddress, port: 0) else {
            key = ipAddress ?? "unknown"
            network = key
            return
        }
        switch address {
        case .v4(let v4):
            let bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
            (key, network) = (Self.prefix(v4: bytes, bits: 32), Self.prefix(v4: bytes, bits: 24))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                let v4 = Array(bytes[12..<16])
                (key, network) = (Self.prefix(v4: v4, bits: 32), Self.prefix(v4: v4, bits: 24))
            } else {
                (key, network) = (Self.prefix(v6: bytes, bits: 64), Self.prefix(v6: bytes, bits: 48))
            }
        case .unixDomainSocket:
            (key, network) = ("unknown", "unknown")
        }
    }

    public var description: String { key }

    /// `a.b.c.d` for a whole address, `a.b.c.0/24` for a prefix.
    private static func prefix(v4 bytes: [UInt8], bits: Int) -> String {
        let text = masked(bytes, bits: bits).map(String.init).joined(separator: ".")
        return bits == 32 ? text : "\(text)/\(bits)"
    }

    /// The masked address in RFC 5952 text (NIO's formatting), with its length.
    private static func prefix(v6 bytes: [UInt8], bits: Int) -> String {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: masked(bytes, bits: bits)) }
        let text = SocketAddress(address, host: "").ipAddress ?? "?"
        return "\(text)/\(bits)"
    }

    private static func masked(_ bytes: [UInt8], bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = min(8, max(0, bits - 8 * index))
            return kept == 8 ? byte : byte & ~(0xff >> kept)
        }
    }
}
