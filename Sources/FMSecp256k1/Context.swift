internal import CSecp256k1

/// The one libsecp256k1 context of the process.
///
/// libsecp256k1 allows concurrent use of a context by any number of threads for
/// every call except `secp256k1_context_randomize`, which happens once, here, before
/// the context is published. It is never destroyed.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        // Randomization blinds the signing computations against side channels.
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = rng.next() }
        guard secp256k1_context_randomize(context, seed) == 1 else {
            fatalError("secp256k1_context_randomize failed")
        }
        for i in seed.indices { seed[i] = 0 }
        pointer = context
    }
}

/// Shorthand for the shared context pointer passed to every libsecp256k1 call.
@inline(__always) var context: OpaquePointer { Secp256k1Context.shared.pointer }
