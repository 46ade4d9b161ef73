/// A bitcoin network, as far as addresses and genesis parameters tell them apart.
public enum Network: String, Sendable, Hashable, Codable, CaseIterable {
    case mainnet
    case testnet
    case signet
    case regtest

    /// The bech32 human-readable part of segwit addresses.
    public var bech32HRP: String {
        switch self {
        case .mainnet: return "bc"
        case .testnet, .signet: return "tb"
        case .regtest: return "bcrt"
        }
    }
}

/// A segwit address (BIP-173 for version 0, BIP-350 bech32m for versions 1...16).
public struct SegwitAddress: Sendable, Hashable, CustomStringConvertible, Codable {
    public let hrp: String
    public let version: Int
    public let program: [UInt8]

    /// Validates the program as BIP-141/BIP-350 require.
    public init(hrp: String, version: Int, program: [UInt8]) throws {
        guard (0...16).contains(version) else { throw BitcoinError.invalidAddress("witness version \(version) outside 0...16") }
        guard (2...40).contains(program.count) else {
            throw BitcoinError.invalidAddress("witness program of \(program.count) bytes (must be 2...40)")
        }
        guard version != 0 || program.count == 20 || program.count == 32 else {
            throw BitcoinError.invalidAddress("version 0 program must be 20 or 32 bytes, got \(program.count)")
        }
        self.hrp = hrp.lowercased()
        self.version = version
        self.program = program
    }

    public init(network: Network, version: Int, program: [UInt8]) throws {
        try self.init(hrp: network.bech32HRP, version: version, program: program)
    }

    /// The address paying to a segwit `scriptPubKey`.
    public init(scriptPubKey: Script, network: Network) throws {
        guard let (version, program) = scriptPubKey.witnessProgram else {
            throw BitcoinError.invalidAddress("script \(scriptPubKey.hex) is not a witness program")
        }
        try self.init(network: network, version: version, program: program)
    }

    /// Decodes a segwit address, checking the variant (bech32 for v0, bech32m otherwise).
    /// - Parameter expectedHRP: if given, the address must use it.
    public init(_ string: String, expectedHRP: String? = nil) throws {
        let decoded: (hrp: String, data: [UInt8], variant: Bech32.Variant)
        do { decoded = try Bech32.decode(string) } catch let error as BitcoinError {
            throw BitcoinError.invalidAddress("\(error)")
        }
        if let expectedHRP, decoded.hrp != expectedHRP.lowercased() {
            throw BitcoinError.invalidAddress("prefix \"\(decoded.hrp)\" but expected \"\(expectedHRP.lowercased())\"")
        }
        guard let version = decoded.data.first else { throw BitcoinError.invalidAddress("no witness version") }
        guard version <= 16 else { throw BitcoinError.invalidAddress("witness version \(version) outside 0...16") }
        let expectedVariant: Bech32.Variant = version == 0 ? .bech32 : .bech32m
        guard decoded.variant == expectedVariant else {
            throw BitcoinError.invalidAddress("witness version \(version) requires \(expectedVariant) checksum")
        }
        let program: [UInt8]
        do { program = try Bech32.convertBits(Array(decoded.data.dropFirst()), from: 5, to: 8, pad: false) } catch {
            throw BitcoinError.invalidAddress("invalid program padding")
        }
        try self.init(hrp: decoded.hrp, version: Int(version), program: program)
    }

    /// Decodes an address for `network`.
    public init(_ string: String, network: Network) throws {
        try self.init(string, expectedHRP: network.bech32HRP)
    }

    /// The output script `OP_version <program>`.
    public var scriptPubKey: Script {
        var script = Script()
        script.append(.op(Opcode.smallInteger(version)!))
        script.appendPush(program)
        return script
    }

    public var string: String {
        let data = [UInt8(version)] + (try! Bech32.convertBits(program, from: 8, to: 5, pad: true))
        return try! Bech32.encode(hrp: hrp, data: data, variant: version == 0 ? .bech32 : .bech32m)
    }

    public var description: String { string }

    public init(from decoder: any Decoder) throws { try self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
