import FMCore
import FMMintClient
import FMMintCommon
import FMMintServer
import FMSecp256k1
import FMServerCore
import Testing

@Suite struct MintEndpointTests {
    func endpoint(_ name: String, of guardian: MintFederation.Guardian) throws -> ModuleEndpoint {
        try #require(guardian.module.apiEndpoints.first { $0.name == name })
    }

    @Test func issuedOutputsListAcceptedOutputsInOrderAndSpentNoncesFollowsTheSpentSet() throws {
        let federation = try MintFederation(devMode: true)
        let secrets = (0..<3).map { federation.derivation.secret(denomination: Denomination(exponent: 2), index: UInt64($0)) }
        let notes = try federation.issue(
            secrets, inputs: [.devIssue(.init(amount: Amount(msats: 412), spendKey: Keypair().xOnlyPublicKey))])
        // Spend the first note into a fourth.
        let fourth = federation.derivation.secret(denomination: Denomination(exponent: 0), index: 0)
        _ = try federation.applyEverywhere(inputs: [notes[0].input], outputs: [fourth.output])

        for guardian in federation.guardians {
            let issued = try endpoint(MintAPI.issuedOutputs, of: guardian)
            let page = try guardian.database.readNow { db in
                try issued.handler(try JSONValue(MintAPI.IssuedOutputsParams(from: 1, limit: 2)), db)
            }.decode(MintAPI.IssuedOutputsResult.self)
            #expect(page.outputs.map(\.seq) == [1, 2])
            #expect(page.outputs.map(\.blindedMessage) == secrets[1...].map { Hex.encode($0.blindedMessage.canonicalBytes) })
            #expect(page.next == 3)
            let rest = try guardian.database.readNow { db in
                try issued.handler(.object(["from": .unsigned(3)]), db)
            }.decode(MintAPI.IssuedOutputsResult.self)
            #expect(rest.outputs.map(\.blindedMessage) == [Hex.encode(fourth.blindedMessage.canonicalBytes)])
            #expect(rest.outputs.first?.denomination == Denomination(exponent: 0))

            let spent = try endpoint(MintAPI.spentNonces, of: guardian)
            let answer = try guardian.database.readNow { db in
                try spent.handler(try JSONValue(MintAPI.SpentNoncesParams(nonces: notes.map { Hex.encode($0.note.nonce.rawRepresentation) })), db)
            }.decode(MintAPI.SpentNoncesResult.self)
            #expect(answer.spent == [true, false, false])
        }
    }

    @Test func badParamsAreNamed() throws {
        let federation = try MintFederation(devMode: true)
        let guardian = federation.guardians[0]
        let spent = try endpoint(MintAPI.spentNonces, of: guardian)
        let notHex = #expect(throws: ModuleEndpointError.self) {
            try guardian.database.readNow { try spent.handler(.object(["nonces": .array([.string("zz")])]), $0) }
        }
        #expect(notHex?.field == "params.nonces.0")
        let missing = #expect(throws: ModuleEndpointError.self) {
            try guardian.database.readNow { try spent.handler(.object([:]), $0) }
        }
        #expect(missing?.field == "params.nonces")
        let issued = try endpoint(MintAPI.issuedOutputs, of: guardian)
        let wrongType = #expect(throws: ModuleEndpointError.self) {
            try guardian.database.readNow { try issued.handler(.object(["from": .string("zero")]), $0) }
        }
        #expect(wrongType?.field == "params.from")
    }
}
