#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed-size heap storage for secret material: written once while being built,
/// read-only afterwards, and overwritten with zeros before it is freed.
final class SecureBytes: @unchecked Sendable {
    private let buffer: UnsafeMutableRawBufferPointer

    /// Allocates `count` zeroed bytes and lets `initialize` fill them.
    /// If `initialize` throws, the error propagates and `deinit` wipes and frees the bytes.
    init(count: Int, initialize: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        buffer = .allocate(byteCount: count, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        try initialize(buffer)
    }

    convenience init(copying bytes: [UInt8]) {
        self.init(count: bytes.count) { buffer in bytes.withUnsafeBytes { buffer.copyMemory(from: $0) } }
    }

    deinit {
        SecureBytes.wipe(buffer)
        buffer.deallocate()
    }

    var count: Int { buffer.count }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(buffer))
    }

    /// A copy of the bytes; the caller becomes responsible for it.
    var bytes: [UInt8] { [UInt8](UnsafeRawBufferPointer(buffer)) }

    /// Constant-time comparison: the time taken depends only on the lengths.
    func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<count { difference |= buffer[i] ^ other.buffer[i] }
        return difference == 0
    }

    private static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, buffer.count, 0, buffer.count)
        #else
        explicit_bzero(base, buffer.count)  // unlike memset, never elided by the optimizer
        #endif
    }
}
