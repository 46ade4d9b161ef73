import FMDatabase
import Testing

/// The one conversion between fm's unsigned integers and SQLite's Int64 throws instead of trapping.
@Suite struct StoredIntegerTests {
    @Test func valuesAboveInt64MaxAreThrownNotTrapped() throws {
        #expect(try UInt64(Int64.max).storedInteger("x") == Int64.max)
        let error = #expect(throws: StoredIntegerError.self) { try (UInt64(1) << 63).storedInteger("out_index") }
        #expect(error == StoredIntegerError(field: "out_index", value: "9223372036854775808"))
        #expect(throws: StoredIntegerError.self) { try UInt64.max.storedInteger("x") }
    }

    @Test func readBackRefusesNegativeAndTooWideValues() throws {
        #expect(try UInt64(storedInteger: 42, "x") == 42)
        #expect(throws: StoredIntegerError.self) { try UInt64(storedInteger: -1, "x") }
        // Narrower columns (vout, peer, denomination) are checked against their own width.
        #expect(try UInt32(storedInteger: Int64(UInt32.max), "vout") == UInt32.max)
        #expect(throws: StoredIntegerError.self) { try UInt32(storedInteger: Int64(UInt32.max) + 1, "vout") }
        #expect(throws: StoredIntegerError.self) { try UInt8(storedInteger: 256, "denomination") }
        #expect(try UInt16(12).storedInteger("peer") == 12)
    }
}
