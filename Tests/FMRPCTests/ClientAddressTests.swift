import NIOCore
import Testing

@testable import FMRPC

/// Review 3/4: the per-address limits keyed IPv6 clients by their full address, so one host with a /64 had 2^64
/// budgets. Every limit keys by ``ClientAddress`` now.
@Suite("Client addresses: an IPv6 /64 is one client, an IPv4-mapped address is its IPv4 host")
struct ClientAddressTests {
    @Test func keysAndNetworks() {
        #expect(ClientAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd").key == "2001:db8:1:2::/64")
        #expect(ClientAddress("2001:db8:1:2::1").key == ClientAddress("2001:db8:1:2:ffff:ffff:ffff:ffff").key)
        #expect(ClientAddress("2001:db8:1:3::1").key != ClientAddress("2001:db8:1:2::1").key)
        #expect(ClientAddress("2001:db8:1:2::1").network == "2001:db8:1::/48")
        #expect(ClientAddress("2001:db8:1:ffff::1").network == ClientAddress("2001:db8:1:2::1").network)
        #expect(ClientAddress("192.0.2.7").key == "192.0.2.7")
        #expect(ClientAddress("192.0.2.7").network == "192.0.2.0/24")
        // What a dual-stack listener sees for IPv4 clients: each is its own IPv4 host, not one /64 for all of them.
        #expect(ClientAddress("::ffff:192.0.2.7").key == "192.0.2.7")
        #expect(ClientAddress("::ffff:192.0.2.8").key == "192.0.2.8")
        #expect(ClientAddress("::ffff:192.0.2.8").network == "192.0.2.0/24")
        #expect(ClientAddress("::1").key == "::/64")
        #expect(ClientAddress(nil).key == "unknown")
        #expect(ClientAddress("not an address").key == "not an address")
    }

    /// The guardian API's per-address table (connection cap, HTTP limiter, cost budget): addresses of one /64
    /// share one entry, before the fix each had its own.
    @Test func theConnectionCapCountsAnIPv6Slash64AsOneClient() throws {
        var configuration = RPCServer.Configuration(host: "::", port: 0)
        configuration.maxConnectionsPerAddress = 2
        let table = RPCClientTable(configuration: configuration)
        func open(_ ip: String) throws -> Bool {
            table.openConnection(RPCClientTable.address(of: try SocketAddress(ipAddress: ip, port: 40_000)))
        }
        #expect(try open("2001:db8::1"))
        #expect(try open("2001:db8::2"))
        #expect(try !open("2001:db8::ffff:0:0:3"), "a third address of the same /64")
        #expect(try open("2001:db8:0:1::1"), "the next /64 is another client")
        #expect(try open("::ffff:192.0.2.1") && open("::ffff:192.0.2.1"))
        #expect(try !open("192.0.2.1"), "an IPv4-mapped address is its IPv4 host")
        #expect(try open("::ffff:192.0.2.2"), "another IPv4 host")
    }
}
