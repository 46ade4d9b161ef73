import FMStorage
import FMTesting
import Testing

/// PostgreSQL's `numeric` (what `SUM` of a `BIGINT` returns) read as the portable `integer`, or a thrown error, never
/// a trap (review 8: postgres-nio's `Decimal` decoding force-unwraps `Decimal(string:)`, which fails beyond 10^165).
@Suite struct PostgresNumericTests {
    static func value(_ sql: String, _ storage: any Storage) throws -> StorageValue {
        try storage.readNow { tx in try #require(try tx.fetchOne(sql)).values[0] }
    }

    @Test func integralNumericsAreIntegersAndOthersAThrownError() throws {
        let place = try Backend.postgres.place()
        let storage = try place.open([])
        for (literal, expected) in [
            ("0", Int64(0)), ("1", 1), ("-1", -1), ("9999", 9_999), ("10000", 10_000), ("100000000", 100_000_000),
            ("123456789012345678", 123_456_789_012_345_678), ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("42.000", 42),
        ] {
            #expect(try Self.value("SELECT CAST('\(literal)' AS NUMERIC) AS n", storage) == .integer(expected), "\(literal)")
        }
        #expect(try Self.value("SELECT sum(n) AS s FROM (VALUES (CAST(9223372036854775807 AS BIGINT)), (-1)) AS v (n)", storage) == .integer(.max - 1))
        for literal in ["9223372036854775808", "-9223372036854775809", "1.5", "-0.0001", "NaN", "1e200", "-1e300", "1e-200"] {
            let error = #expect(throws: StorageError.self, "\(literal)") {
                try Self.value("SELECT CAST('\(literal)' AS NUMERIC) AS n", storage)
            }
            #expect(error?.isEnvironmental == true)
        }
    }
}
