@testable import FMLightningRegtest
import FMSecp256k1
import Foundation
import Testing

@Suite struct RouterAndParsingTests {
    static func node(_ seed: UInt8) -> NodeID {
        NodeID(try! SecretKey(rawRepresentation: [UInt8](repeating: seed, count: 32)).publicKey)
    }

    static func edge(_ scid: String, _ from: NodeID, _ to: NodeID, limit: UInt64 = 1_000_000_000) -> Router.Edge {
        Router.Edge(shortChannelId: scid, source: from, destination: to, limitMsat: limit, feeBaseMsat: 1000, feePpm: 10, cltvDelta: 34)
    }

    @Test func twoHopRouteCarriesFeeAndDeltaOfTheMiddleHop() throws {
        let (a, b, c) = (Self.node(1), Self.node(2), Self.node(3))
        let router = Router(edges: [Self.edge("1x1x0", a, b), Self.edge("2x1x0", b, c)])
        let hops = try #require(router.route(from: a, to: c, amountMsat: 100_000, finalExpiry: 200, excluding: []))
        #expect(hops == [
            Router.Hop(shortChannelId: "1x1x0", node: b, amountMsat: 101_001, cltvExpiry: 234),
            Router.Hop(shortChannelId: "2x1x0", node: c, amountMsat: 100_000, cltvExpiry: 200),
        ])
        #expect(router.route(from: a, to: c, amountMsat: 100_000, finalExpiry: 200, excluding: ["2x1x0"]) == nil)
    }

    @Test func capacityBelowTheAmountIsNoRoute() {
        let (a, b) = (Self.node(1), Self.node(2))
        let router = Router(edges: [Self.edge("1x1x0", a, b, limit: 5000)])
        #expect(router.route(from: a, to: b, amountMsat: 5001, finalExpiry: 10, excluding: []) == nil)
        #expect(router.route(from: a, to: b, amountMsat: 5000, finalExpiry: 10, excluding: [])?.count == 1)
    }

    @Test func splitterFindsObjectsAcrossChunksAndIgnoresBracesInStrings() {
        var splitter = JSONObjectSplitter()
        splitter.append(Array(#"{"a":"}{","b":[1,{"c":2}]}{"x"#.utf8))
        #expect(splitter.next().map { String(decoding: $0, as: UTF8.self) } == #"{"a":"}{","b":[1,{"c":2}]}"#)
        #expect(splitter.next() == nil)
        splitter.append(Array(#"":"\"}"}"#.utf8))
        #expect(splitter.next().map { String(decoding: $0, as: UTF8.self) } == #"{"x":"\"}"}"#)
    }

    @Test func amountsParseLikeLightningdAndOverflowIsRefused() {
        #expect(RPCParams.parseAmount("1000", defaultUnitMsat: 1) == 1000)
        #expect(RPCParams.parseAmount("5sat", defaultUnitMsat: 1) == 5000)
        #expect(RPCParams.parseAmount("0.001btc", defaultUnitMsat: 1) == 100_000_000)
        #expect(RPCParams.parseAmount("12abc", defaultUnitMsat: 1) == nil)
        #expect(RPCParams.parseAmount("1.5sat", defaultUnitMsat: 1) == nil)
        #expect(RPCParams.parseAmount("99999999999999999999btc", defaultUnitMsat: 1) == nil)
        #expect(RPCParams.parseAmount("184467440737095516sat", defaultUnitMsat: 1) == nil)
    }
}
