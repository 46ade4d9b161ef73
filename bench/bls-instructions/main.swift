// The fixed workloads of bench/bls-instructions/run: `drv OPERATION N` runs N operations on fixed inputs.
import CFMFieldArithmetic
import Foundation

// Valgrind hides BMI2/ADX from cpuid: build.sh asks for the kernels where the real CPU has them.
if ProcessInfo.processInfo.environment["FM_FORCE_KERNELS"] == "1" { fm_fp_has_adx_flag = true }
@testable import FMBLS12381

struct Rng: RandomNumberGenerator {
    var s: UInt64 = 0x1234_5678_9abc_def1
    mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s ^ (s >> 29) }
}
var rng = Rng()
let args = CommandLine.arguments
let op = args[1]
let n = Int(args[2])!
let p = G1Point.generator * Scalar.random(using: &rng)
let q = G2Point.generator * Scalar.random(using: &rng)
let k = Scalar.random(using: &rng)
let millerValue = millerLoop([(p, q)])
let (px, py) = p.affine!, (qx, qy) = q.affine!
let pairs = (0..<8).map { _ in (G1Point.generator * Scalar.random(using: &rng), G2Point.generator * Scalar.random(using: &rng)) }
var sink = 0
/// f applied n times to start (each step depends on the last, so none is optimised away).
@inline(__always) func iterated<T>(_ start: T, _ n: Int, _ f: (T) -> T) -> T {
    var value = start
    for _ in 0..<n { value = f(value) }
    return value
}
switch op {
case "none": break
case "pairing": for _ in 0..<n { sink &+= pairing(p, q).isOne ? 1 : 0 }
case "multi8": for _ in 0..<n { sink &+= multiPairing(pairs).isOne ? 1 : 0 }
case "miller": for _ in 0..<n { sink &+= millerLoop([(p, q)]).isOne ? 1 : 0 }
case "finalexp": for _ in 0..<n { sink &+= millerValue.finalExponentiation().isOne ? 1 : 0 }
case "verify":  // the share-verify equation's shape: e(M, pk)·e(-σ, g2), g2's lines prepared
    let pk = q
    for _ in 0..<n { sink &+= pairingProductIsOne([(p, pk)], prepared: [(-p, .generator)]) ? 1 : 0 }
case "g1mul": for _ in 0..<n { sink &+= (p * k).isIdentity ? 1 : 0 }
case "g2mul": for _ in 0..<n { sink &+= (q * k).isIdentity ? 1 : 0 }
case "hash":
    var c: UInt64 = 0
    for _ in 0..<n { c &+= 1; sink &+= HashToG1.hash(withUnsafeBytes(of: c) { Array($0) }, domain: DomainTags.mintMessage).isIdentity ? 1 : 0 }
case "g1subgroup": for _ in 0..<n { sink &+= p.isInSubgroup ? 1 : 0 }
case "g2subgroup": for _ in 0..<n { sink &+= q.isInSubgroup ? 1 : 0 }
case "fpmul": sink &+= iterated(px, n) { $0 * py }.isZero ? 1 : 0
case "fpsqr": sink &+= iterated(px, n) { $0.squared() }.isZero ? 1 : 0
case "fpsqrt": sink &+= iterated(px, n) { ($0.sqrt() ?? $0) + .one }.isZero ? 1 : 0
case "fpinv": sink &+= iterated(px, n) { $0.inverse() + .one }.isZero ? 1 : 0
case "fpinvvt": sink &+= iterated(px, n) { $0.inverseVarTime() + .one }.isZero ? 1 : 0
case "fp2mul": sink &+= iterated(qx, n) { $0 * qy }.isZero ? 1 : 0
case "fp2sqr": sink &+= iterated(qx, n) { $0.squared() }.isZero ? 1 : 0
case "fp12mul": sink &+= iterated(millerValue, n) { $0 * millerValue }.isZero ? 1 : 0
case "cycsqr": sink &+= iterated(pairing(p, q).value, n) { $0.cyclotomicSquared() }.isZero ? 1 : 0
default: fatalError("op?")
}
print(sink)  // keeps the results alive
