import Foundation
import GRDB

// Keys, hashes, scripts and raw transactions are `[UInt8]` everywhere in fm; stored as BLOBs. Declared here, in the
// one module that needs it, rather than converting through `Data` at each of the node's many queries.
extension Array: @retroactive SQLExpressible where Element == UInt8 {}
extension Array: @retroactive StatementBinding where Element == UInt8 {}
extension Array: @retroactive DatabaseValueConvertible where Element == UInt8 {
    public var databaseValue: DatabaseValue { Data(self).databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> [UInt8]? {
        Data.fromDatabaseValue(dbValue).map { [UInt8]($0) }
    }
}
