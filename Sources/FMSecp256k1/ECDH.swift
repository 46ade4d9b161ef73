internal import CSecp256k1

extension SecretKey {
    /// ECDH with libsecp256k1's default hash: `SHA256(compressed(d·P))`, 32 bytes.
    /// Both sides get the same value. The result is secret; treat it like a key.
    public func sharedSecret(with publicKey: PublicKey) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let ok = publicKey.withCPublicKey { point in
            withUnsafeBytes { secp256k1_ecdh(context, &output, point, $0, nil, nil) }
        }
        precondition(ok == 1, "ECDH with a valid key and point cannot fail")
        return output
    }
}
