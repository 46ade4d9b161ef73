/// Why a point encoding was rejected.
public enum BLSError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The encoding has the wrong number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// The compression/infinity/sign flag bits are inconsistent with the encoding.
    case invalidFlags
    /// A coordinate is not below the field modulus p.
    case nonCanonicalFieldElement
    /// The coordinates do not satisfy the curve equation.
    case notOnCurve
    /// The point is on the curve but not in the prime-order subgroup.
    case notInSubgroup

    public var description: String {
        switch self {
        case .wrongLength(let expected, let actual): "point encoding has \(actual) bytes, expected \(expected)"
        case .invalidFlags: "point encoding has invalid compression, infinity or sign flag bits"
        case .nonCanonicalFieldElement: "point encoding has a coordinate that is not below the field modulus"
        case .notOnCurve: "point encoding does not describe a point on the curve"
        case .notInSubgroup: "point is not in the prime-order subgroup"
        }
    }
}
