import FMCore
import Testing

private func v(_ text: String) -> APIVersion { APIVersion(text)! }

@Suite("API versions: the highest version t guardians serve; a clear line naming the side to upgrade")
struct APIVersionTests {
    static func sides(_ spec: String) -> SupportedAPIVersions {
        try! SupportedAPIVersions(core: [v("1.0")], modules: ["mint": [v("1.0")], "ln": [v("1.0")]]).overridden(by: spec)
    }

    @Test func parsesAndOrders() {
        #expect(APIVersion("2.10") == APIVersion(2, 10))
        #expect(APIVersion("2") == nil && APIVersion("a.1") == nil && APIVersion("1.-1") == nil && APIVersion("1.2.3") == nil)
        #expect(v("1.9") < v("2.0") && v("2.0") < v("2.1"))
        #expect(v("1.3").serves(v("1.2")) && !v("1.2").serves(v("1.3")) && !v("2.0").serves(v("1.0")))
        #expect(throws: InvalidInput.self) { try Self.sides("").overridden(by: "ln=two") }
        #expect(throws: InvalidInput.self) { try Self.sides("").overridden(by: "ln") }
    }

    @Test func picksTheHighestVersionAQuorumServes() throws {
        let client = Self.sides("ln=1.0;2.0")
        // Three of four serve ln 2.x: the client uses 2.0 (t = 3).
        let mixed = [Self.sides("ln=1.0;2.1"), Self.sides("ln=2.0"), Self.sides("ln=1.0;2.0"), Self.sides("ln=1.0")]
        #expect(try client.negotiate(with: mixed, threshold: 3)["ln"] == v("2.0"))
        // Only two serve 2.x: 1.0, which three serve.
        let behind = [Self.sides("ln=1.0;2.1"), Self.sides("ln=1.0"), Self.sides("ln=1.0;2.0"), Self.sides("ln=1.0")]
        #expect(try client.negotiate(with: behind, threshold: 3)["ln"] == v("1.0"))
        // A module the guardians do not run is not negotiated.
        let noLightning = SupportedAPIVersions(core: [v("1.0")], modules: ["mint": [v("1.0")]])
        #expect(try client.negotiate(with: Array(repeating: noLightning, count: 3), threshold: 3)["ln"] == nil)
    }

    @Test func namesTheSideToUpgrade() {
        let ahead = Array(repeating: Self.sides("ln=2.0"), count: 4)
        let clientBehind = #expect(throws: APIVersionMismatch.self) { try Self.sides("").negotiate(with: ahead, threshold: 3) }
        #expect(clientBehind?.description == "guardians serve ln API 2.x, this client speaks 1.x: upgrade the client")
        let guardiansBehind = #expect(throws: APIVersionMismatch.self) {
            try Self.sides("ln=3.0").negotiate(with: ahead, threshold: 3)
        }
        #expect(guardiansBehind?.description == "this client speaks ln API 3.x, the guardians serve 2.x: upgrade the guardians")
        let minor = #expect(throws: APIVersionMismatch.self) {
            try Self.sides("core=1.2").negotiate(with: Array(repeating: Self.sides(""), count: 4), threshold: 3)
        }
        #expect(minor?.description == "this client speaks core API 1.2, the guardians serve 1.0: upgrade the guardians")
        #expect(minor?.code == "api_version_mismatch")
    }
}
