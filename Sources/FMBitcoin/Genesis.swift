extension Network {
    /// The genesis block of this network, built from Bitcoin Core's chain parameters.
    public var genesisBlock: Block {
        // Satoshi's coinbase: "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks",
        // 50 BTC to a P2PK output. Identical on every network.
        let coinbase = try! Transaction(serialized: Hex.decode(
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104"
                + "455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
                + "636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967"
                + "f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c"
                + "702b6bf11d5fac00000000")!)
        let (time, bits, nonce): (UInt32, UInt32, UInt32)
        switch self {
        case .mainnet: (time, bits, nonce) = (1_231_006_505, 0x1d00_ffff, 2_083_236_893)
        case .testnet: (time, bits, nonce) = (1_296_688_602, 0x1d00_ffff, 414_098_458)
        case .signet: (time, bits, nonce) = (1_598_918_400, 0x1e03_77ae, 52_613_770)
        case .regtest: (time, bits, nonce) = (1_296_688_602, 0x207f_ffff, 2)
        }
        let header = BlockHeader(
            version: 1, previousBlockHash: .zero, merkleRoot: Merkle.root([coinbase.txid]), time: time, bits: bits, nonce: nonce)
        return Block(header: header, transactions: [coinbase])
    }

    /// The proof-of-work limit (easiest allowed target).
    public var proofOfWorkLimit: Target {
        switch self {
        case .mainnet, .testnet: return Target(compact: 0x1d00_ffff)!
        case .signet: return Target(compact: 0x1e03_77ae)!
        case .regtest: return .regtestLimit
        }
    }
}
