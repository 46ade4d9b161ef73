// The fixed workloads of bench/issuance-instructions/run: a client finishing one issuance of 6 notes of 6 denominations
// (6 aggregate keys, 6 key shares) with one pairing equation per note (and per extra share, n = 4) or one SignatureBatch.
import CFMFieldArithmetic
import Foundation

// Valgrind hides BMI2/ADX from cpuid: build.sh asks for the kernels where the real CPU has them.
if ProcessInfo.processInfo.environment["FM_FORCE_KERNELS"] == "1" { fm_fp_has_adx_flag = true }
struct Rng: RandomNumberGenerator {
    var s: UInt64 = 0x1234_5678_9abc_def1
    mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s ^ (s >> 29) }
}
var rng = Rng()
let op = CommandLine.arguments[1]
let n = Int(CommandLine.arguments[2])!
let notes = 6
let keys = (0..<notes).map { _ in TrustedDealer.dealKeysForTesting(threshold: 3, peers: 4, using: &rng) }
var items: [(message: Message, blinded: BlindedMessage, share: BlindSignatureShare, signature: Signature)] = []
for i in 0..<notes {
    let message = Message(hashing: [UInt8(i)], domain: DomainTags.mintMessage)
    let blinding = BlindingKey.random(using: &rng)
    let blinded = message.blinded(by: blinding)
    let shares = keys[i].secretKeyShares.map { $0.sign(blinded) }
    let combined = try! BlindSignature.combine(shares.prefix(3).enumerated().map { (peer: $0.offset, share: $0.element) }, threshold: 3)
    items.append((message, blinded, shares[3], combined.unblinded(by: blinding)))
}
var sink = 0
for _ in 0..<n {
    switch op {
    case "none": break
    case "single1":
        for (i, item) in items.enumerated() { sink &+= keys[i].aggregatePublicKey.verify(item.signature, on: item.message) ? 1 : 0 }
    case "single4":
        for (i, item) in items.enumerated() {
            sink &+= keys[i].aggregatePublicKey.verify(item.signature, on: item.message) ? 1 : 0
            sink &+= keys[i].publicKeyShares[3].verify(item.share, on: item.blinded) ? 1 : 0
        }
    case "batch1", "batch4":
        var batch = SignatureBatch()
        for (i, item) in items.enumerated() {
            batch.add(item.signature, on: item.message, under: keys[i].aggregatePublicKey)
            if op == "batch4" { batch.add(item.share, on: item.blinded, under: keys[i].publicKeyShares[3]) }
        }
        sink &+= batch.allHold() ? 1 : 0
    case "g1decode":
        let bytes = items[0].signature.canonicalBytes
        for _ in 0..<notes { sink &+= (try? Signature(canonicalBytes: bytes)) == nil ? 0 : 1 }
    default: fatalError("op?")
    }
}
print(sink)
