// swift-tools-version:6.1
//
// fm — a federated Chaumian e-cash mint, as a toolkit of small commands.
// Targets are grouped bottom-up; imports only ever point down this file
// (see docs/architecture.md for the dependency picture).
import PackageDescription

// MARK: - Dependencies

let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),  // guardian storage on PostgreSQL (issue 19)
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let x509 = Target.Dependency.product(name: "X509", package: "swift-certificates")
let asn1 = Target.Dependency.product(name: "SwiftASN1", package: "swift-asn1")
let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let nioConcurrency = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdWebSocket = Target.Dependency.product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let webSocketClient = Target.Dependency.product(name: "HummingbirdWSClient", package: "hummingbird-websocket")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")

/// Field and curve arithmetic is unusably slow without the optimizer, so the
/// crypto targets are compiled with -O even in debug builds (tests included).
let optimized: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])]

/// fm-mint links the Swift runtime and Foundation statically: a shell prompt may run `fm-mint balance --offline`,
/// and loading and relocating those 14 shared libraries took a fifth of its CPU time (docs/benchmarks/cli-start.md).
/// The objects are compiled against the shared runtime, whose Foundation modules do not name their static companion
/// libraries, so they are named here. Linux only; the stripped binary grows by ≈ 60 MB (39 MB of it ICU data).
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(
        ["-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections"],
        .when(platforms: [.linux])),
]

// MARK: - Targets

let targets: [Target] = [
    // MARK: C system libraries
    .systemLibrary(
        name: "CSecp256k1", path: "Sources/CSecp256k1", pkgConfig: "libsecp256k1",
        providers: [.apt(["libsecp256k1-dev"])]),
    .systemLibrary(
        name: "CJansson", path: "Sources/CJansson", pkgConfig: "jansson",
        providers: [.apt(["libjansson-dev"])]),

    // MARK: Cryptography
    .target(name: "FMSecp256k1", dependencies: ["CSecp256k1", crypto]),
    // mulx/adcx/adox kernels for FMBLS12381's base field, used where the CPU has BMI2 and ADX (docs/benchmarks/bls.md).
    .target(name: "CFMFieldArithmetic", cSettings: [.unsafeFlags(["-O2"])]),
    .target(name: "FMBLS12381", dependencies: ["CFMFieldArithmetic"], swiftSettings: optimized),
    .target(name: "FMCrypto", dependencies: ["FMBLS12381", crypto], swiftSettings: optimized),

    // MARK: Core
    .target(name: "FMEncoding"),
    .target(name: "FMCore", dependencies: ["FMEncoding", "FMSecp256k1", "FMCrypto", "FMBitcoin", crypto]),

    // MARK: Guardian setup, consensus, networking, storage
    .target(name: "FMSetup", dependencies: ["FMCore", "FMPeerNetwork", crypto, cryptoExtras]),
    .target(name: "FMConsensus", dependencies: ["FMCore", "FMEncoding", "FMSecp256k1"]),
    .target(name: "FMConsensusSimulation", dependencies: ["FMConsensus", "FMCore", crypto]),
    .target(
        name: "FMPeerNetwork",
        dependencies: [
            "FMCore", nio, nioPosix, nioSSL, .product(name: "NIOTLS", package: "swift-nio"), nioConcurrency, x509, asn1,
            crypto, deque, logging,
        ]),
    .target(name: "FMDatabase", dependencies: ["FMCore", "FMStorage", grdb]),
    .target(
        name: "FMDKG",
        dependencies: [
            "FMCore", "FMCrypto", "FMBLS12381", "FMEncoding", "FMPeerNetwork", "FMSecp256k1", "FMSetup", "FMServerCore",
            logging,
        ]),
    .target(
        name: "FMRPC",
        dependencies: [
            "FMCore", hummingbird, hummingbirdWebSocket, webSocketClient, metrics, prometheus, serviceLifecycle,
            logging, nio, nioConcurrency, nioHTTP1, .product(name: "HummingbirdCore", package: "hummingbird"), "FMNetwork",
        ]),
    .target(
        name: "FMServer",
        dependencies: [
            "FMConsensus", "FMCore", "FMEncoding", "FMDatabase", "FMStorage", "FMPostgres", "FMPeerNetwork", "FMSecp256k1",
            "FMServerCore", "FMMintServer", "FMRPC", "FMSetup", grdb, nio, nioPosix, nioConcurrency, logging, serviceLifecycle,
            prometheus, "FMWalletServer", "FMBitcoinRPC", metrics, "FMLightningServer", crypto, "FMMintCommon",
            "FMWalletCommon", "FMLightningCommon",
        ]),

    // The operator dashboard (issue 18): web pages on their own address, served by fm-node.
    .target(
        name: "FMDashboard",
        dependencies: [
            "FMServer", "FMServerCore", "FMSetup", "FMCore", "FMRPC", hummingbird, .product(name: "HummingbirdCore", package: "hummingbird"),
            crypto, cryptoExtras, logging, nio, nioConcurrency, serviceLifecycle,
        ]),

    // MARK: Client
    .target(
        name: "FMClientCore",
        dependencies: [
            "FMCore", "FMEncoding", "FMDatabase", "FMStorage", "FMSecp256k1", "FMCrypto", "FMBLS12381", grdb, crypto,
        ]),
    .target(
        name: "FMClient",
        dependencies: [
            "FMClientCore", "FMMintClient", "FMCore", "FMDatabase", "FMRPC", grdb, crypto, cryptoExtras, logging,
            "FMWalletClient", "FMBitcoinRPC", "FMMintCommon", "FMWalletCommon", "FMLightningCommon", "FMLightningClient",
        ]),

    // MARK: Bitcoin
    .target(name: "FMBitcoin", dependencies: ["FMSecp256k1", crypto]),
    .target(name: "FMBitcoinRPC", dependencies: ["FMBitcoin", "FMCore", "FMNetwork", nio, nioPosix, nioHTTP1, nioConcurrency]),
    // Network-layer errors in words a person acts on (shared by the API client and the bitcoin RPC client).
    .target(name: "FMNetwork", dependencies: [nio, nioPosix, nioHTTP1]),
    .target(
        name: "FMRegtest",
        dependencies: [
            "FMBitcoin", "FMBitcoinRPC", "FMCore", "FMDatabase", "FMSecp256k1", grdb, hummingbird, logging, nio,
            nioConcurrency, serviceLifecycle,
        ]),

    // MARK: Modules
    .target(name: "FMServerCore", dependencies: ["FMCore", "FMCrypto", "FMDatabase", "FMStorage", "FMSecp256k1", grdb]),
    .target(name: "FMMintCommon", dependencies: ["FMCore", "FMCrypto", "FMSecp256k1"]),
    .target(name: "FMMintServer", dependencies: ["FMMintCommon", "FMServerCore", "FMStorage", "FMSecp256k1"]),
    .target(
        name: "FMMintClient",
        dependencies: [
            "FMMintCommon", "FMCore", "FMCrypto", "FMBLS12381", "FMSecp256k1", crypto,
            // StateMachines/ (owner: client) drives the notes through the client framework.
            "FMClientCore", "FMDatabase", "FMEncoding", grdb,
        ]),
    .target(name: "FMWalletCommon", dependencies: ["FMCore", "FMBitcoin", "FMSecp256k1", "FMEncoding"]),
    .target(
        name: "FMWalletClient",
        dependencies: [
            "FMWalletCommon", "FMClientCore", "FMMintClient", "FMBitcoin", "FMBitcoinRPC", "FMCore", "FMDatabase",
            "FMEncoding", "FMSecp256k1", grdb,
        ]),
    .target(
        name: "FMWalletServer",
        dependencies: [
            "FMWalletCommon", "FMServerCore", "FMBitcoin", "FMBitcoinRPC", "FMStorage", "FMEncoding", logging,
        ]),

    // MARK: Command-line support
    .target(name: "FMCLI", dependencies: ["FMCore", "FMBitcoinRPC", argumentParser, logging]),
    .target(name: "FMBenchmarking", dependencies: []),
    .target(name: "FMTesting", dependencies: ["FMCore", "FMStorage", "FMDatabase", "FMPostgres", logging], path: "Tests/FMTesting"),
    // In-process guardians for the server suites, on the storage backend under test (FM_TEST_STORAGE).
    .target(
        name: "FMServerTesting", dependencies: ["FMServer", "FMServerCore", "FMCore", "FMStorage", "FMTesting"],
        path: "Tests/FMServerTesting"),

    // MARK: Executables (thin: parse, call a library, print)
    .executableTarget(name: "fm-keygen", dependencies: ["FMCLI", "FMSetup"]),
    .executableTarget(name: "fm-dkg", dependencies: ["FMCLI", "FMDKG", "FMServer", "FMSetup", "FMCore", logging]),
    .executableTarget(
        name: "fm-mint", dependencies: ["FMCLI", "FMClient", "FMClientCore", "FMMintClient", "FMCore", argumentParser],
        linkerSettings: staticSwiftRuntime),
    .executableTarget(
        name: "fm-pegin",
        dependencies: [
            "FMCLI", "FMClient", "FMClientCore", "FMWalletClient", "FMBitcoin", "FMBitcoinRPC", "FMCore", argumentParser,
        ]),
    .executableTarget(
        name: "fm-ln-pay",
        dependencies: [
            "FMCLI", "FMClient", "FMClientCore", "FMLightningClient", "FMLightningCommon", "FMBolt11", "FMCore", argumentParser,
        ]),
    .executableTarget(
        name: "fm-pegout",
        dependencies: ["FMCLI", "FMClient", "FMClientCore", "FMWalletClient", "FMWalletCommon", "FMCore", argumentParser]),
    .executableTarget(
        name: "fm-node",
        dependencies: [
            "FMCLI", "FMServer", "FMWalletServer", "FMWalletCommon", "FMBitcoinRPC", "FMCore", "FMRPC", logging, serviceLifecycle,
            prometheus, "FMDashboard", "FMSetup", "FMPostgres",
        ]),
    .executableTarget(
        name: "fm-regtest",
        dependencies: ["FMCLI", "FMRegtest", "FMBitcoinRPC", "FMCore", argumentParser, logging, serviceLifecycle]),
    .executableTarget(
        name: "fm-bench",
        dependencies: [
            "FMCLI", "FMBenchmarking", "FMSecp256k1", "FMBLS12381", "FMCrypto", "CJansson", "FMServer", "FMConsensus",
            "FMConsensusSimulation", "FMCore", "FMClient", "FMClientCore", "FMMintClient", "FMMintCommon", "FMRPC", logging,
            "FMMintServer", "FMPostgres",
        ]),

    // MARK: Tests
    .testTarget(name: "FMEncodingTests", dependencies: ["FMEncoding", "FMTesting"]),
    .testTarget(name: "FMCoreTests", dependencies: ["FMCore", "FMTesting"]),
    .testTarget(name: "FMSecp256k1Tests", dependencies: ["FMSecp256k1", "FMTesting", crypto]),
    .testTarget(name: "FMBitcoinTests", dependencies: ["FMBitcoin", "FMSecp256k1", "FMTesting"], exclude: ["Vectors"]),
    .testTarget(name: "FMBitcoinRPCTests", dependencies: ["FMBitcoinRPC", "FMBitcoin", "FMCore", "FMRegtest", "FMTesting"]),
    .testTarget(
        name: "FMRegtestTests",
        dependencies: [
            "FMRegtest", "FMBitcoinRPC", "FMBitcoin", "FMSecp256k1", "FMTesting", logging, serviceLifecycle,
        ],
        exclude: ["oracle"]),
    .testTarget(
        name: "FMBLS12381Tests", dependencies: ["FMBLS12381", "CFMFieldArithmetic", "FMTesting"], swiftSettings: optimized),
    .testTarget(
        name: "FMCryptoTests", dependencies: ["FMCrypto", "FMTesting"], exclude: ["oracle"], swiftSettings: optimized),
    .testTarget(name: "FMBenchmarkingTests", dependencies: ["FMBenchmarking"]),
    .testTarget(name: "FMSetupTests", dependencies: ["FMSetup", "FMTesting"]),
    .testTarget(name: "FMConsensusTests", dependencies: ["FMConsensus", "FMConsensusSimulation", "FMCore", "FMTesting"]),
    .testTarget(
        name: "FMServerTests",
        dependencies: [
            "FMServer", "FMConsensus", "FMCore", "FMDatabase", "FMPeerNetwork", "FMSecp256k1", "FMTesting", "FMServerTesting",
            "FMServerCore", "FMMintCommon", "FMMintServer", "FMMintClient", "FMEncoding", "FMRPC", grdb, nio, nioPosix,
            "FMClient", "FMClientCore", "FMWalletCommon", "FMWalletServer", "FMBitcoin",
        ]),
    .testTarget(
        name: "FMDKGTests",
        dependencies: [
            "FMDKG", "FMServer", "FMServerCore", "FMSetup", "FMCrypto", "FMCore", "FMSecp256k1", "FMEncoding",
            "FMTesting",
        ]),
    .testTarget(name: "FMDatabaseTests", dependencies: ["FMDatabase", "FMTesting", grdb]),
    .testTarget(name: "FMRPCTests", dependencies: ["FMRPC", "FMTesting", webSocketClient, prometheus, serviceLifecycle]),
    .testTarget(
        name: "FMPeerNetworkTests",
        dependencies: ["FMPeerNetwork", "FMCore", "FMTesting", x509, asn1, crypto, nio, nioPosix, nioConcurrency]),
    .testTarget(
        name: "FMClientTests",
        dependencies: [
            "FMClient", "FMClientCore", "FMMintClient", "FMMintCommon", "FMBLS12381", "FMCrypto", "FMEncoding", "FMCore", "FMDatabase",
            "FMRPC", "FMSecp256k1", "FMTesting", grdb, logging,
        ]),
    .testTarget(
        name: "FMToolsTests",
        dependencies: [
            "FMTesting", "FMCore", "FMSetup",
            // GatewayTests: the user's and the receiver's clients run in the test process against the processes.
            "FMClient", "FMClientCore", "FMLightningClient", "FMLightningCommon", "FMMintClient", "FMBolt11", "FMSecp256k1",
            "FMCrypto", "FMEncoding",
        ],
        exclude: ["dashboard"]),
    .testTarget(name: "FMDashboardTests", dependencies: ["FMDashboard", "FMServerCore", "FMCore", "FMTesting"]),
    .testTarget(
        name: "FMWalletTests",
        dependencies: [
            "FMWalletCommon", "FMWalletServer", "FMServerCore", "FMBitcoin", "FMBitcoinRPC", "FMSecp256k1", "FMCore",
            "FMEncoding", "FMDatabase", "FMTesting", "FMServerTesting", "FMServer", "FMConsensus", grdb,
        ]),
    .testTarget(
        name: "FMMintTests",
        dependencies: [
            "FMMintCommon", "FMMintServer", "FMMintClient", "FMServerCore", "FMCore", "FMCrypto", "FMEncoding",
            "FMSecp256k1", "FMDatabase", "FMStorage", "FMTesting", grdb,
        ]),

]
// MARK: - Lightning regtest node (issue 14, branch lnnode): fm-ln-regtest, a Core Lightning-compatible regtest node
let lightningNodeTargets: [Target] = [
    .target(
        name: "FMLightningRegtest",
        dependencies: [
            "FMBitcoin", "FMBitcoinRPC", "FMBolt11", "FMCore", "FMDatabase", "FMSecp256k1", grdb, logging, nio,
            nioPosix, nioConcurrency,
        ]),
    .executableTarget(
        name: "fm-ln-regtest",
        dependencies: ["FMCLI", "FMLightningRegtest", "FMLightningRPC", "FMCore", argumentParser, logging, nio, nioPosix]),
    .testTarget(
        name: "FMLightningRegtestTests",
        dependencies: ["FMLightningRegtest", "FMLightningRPC", "FMSecp256k1", "FMTesting", crypto]),
]
// MARK: - end of Lightning regtest node block

// MARK: - Lightning, part 1 (branch lnwire): BOLT 11 invoices and the Core Lightning JSON-RPC client
// (one block so that merges with other Lightning branches stay trivial)
let lightningWireTargets: [Target] = [
    .target(name: "FMBolt11", dependencies: ["FMSecp256k1", "FMBitcoin", crypto]),
    .target(name: "FMLightningRPC", dependencies: [nio, nioPosix, nioConcurrency]),
    .testTarget(
        name: "FMBolt11Tests", dependencies: ["FMBolt11", "FMSecp256k1", "FMBitcoin", "FMTesting", crypto],
        exclude: ["oracle"]),
    .testTarget(name: "FMLightningRPCTests", dependencies: ["FMLightningRPC", "FMTesting", nio, nioPosix, nioConcurrency]),
]
// MARK: - end of Lightning part 1 block

// MARK: - Lightning, part 2 (branch lnmodule): the LN module, split like the mint and the wallet
let lightningModuleTargets: [Target] = [
    .target(name: "FMLightningCommon", dependencies: ["FMCore", "FMCrypto", "FMEncoding", "FMSecp256k1"]),
    .target(
        name: "FMLightningServer",
        dependencies: ["FMLightningCommon", "FMServerCore", "FMCore", "FMCrypto", "FMStorage", "FMEncoding", "FMSecp256k1"]),
    .target(
        name: "FMLightningClient",
        dependencies: [
            "FMLightningCommon", "FMClientCore", "FMMintClient", "FMBolt11", "FMCore", "FMCrypto", "FMDatabase", "FMEncoding",
            "FMSecp256k1", "FMNetwork", nio, grdb,
        ]),
    .testTarget(
        name: "FMLightningTests",
        dependencies: [
            "FMLightningCommon", "FMLightningServer", "FMLightningClient", "FMGateway", "FMServer", "FMServerCore", "FMMintClient", "FMMintServer", "FMWalletServer",
            "FMMintCommon", "FMClientCore", "FMClient", "FMRPC", "FMPeerNetwork", "FMBolt11", "FMCore", "FMCrypto", "FMSecp256k1", "FMDatabase",
            "FMEncoding", "FMStorage", "FMTesting", "FMServerTesting", grdb,
        ]),
]
// MARK: - end of Lightning part 2 block

// MARK: - Lightning gateway (branch gateway): fm-gateway between federations and one Lightning node
let gatewayTargets: [Target] = [
    .target(
        name: "FMGateway",
        dependencies: [
            "FMClient", "FMClientCore", "FMLightningClient", "FMLightningCommon", "FMLightningRPC", "FMMintClient", "FMMintCommon", "FMBolt11",
            "FMCore", "FMCrypto", "FMDatabase", "FMEncoding", "FMRPC", "FMSecp256k1", grdb, hummingbird, logging, nio, nioConcurrency,
            serviceLifecycle,
        ]),
    .executableTarget(
        name: "fm-gateway", dependencies: ["FMCLI", "FMGateway", "FMCore", "FMLightningCommon", argumentParser, logging]),
]
// MARK: - end of Lightning gateway block

// MARK: - Guardian storage (issue 19, branch storage): one SQL interface, SQLite (FMDatabase) and PostgreSQL backends
let storageTargets: [Target] = [
    .target(name: "FMStorage"),
    .target(name: "FMPostgres", dependencies: ["FMStorage", postgresNIO, nio, nioPosix, nioConcurrency, nioSSL, logging]),
    .testTarget(
        name: "FMStorageTests",
        dependencies: [
            "FMStorage", "FMDatabase", "FMPostgres", "FMTesting", logging, grdb,
            "FMMintServer", "FMMintCommon", "FMServerCore", "FMCore", "FMCrypto", "FMSecp256k1",
            "FMLightningServer", "FMLightningCommon", "FMWalletServer", "FMWalletCommon", "FMBitcoin",
        ]),
]
// MARK: - end of guardian storage block

let package = Package(
    name: "fm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fm-keygen", targets: ["fm-keygen"]),
        .executable(name: "fm-dkg", targets: ["fm-dkg"]),
        .executable(name: "fm-mint", targets: ["fm-mint"]),
        .executable(name: "fm-node", targets: ["fm-node"]),
        .executable(name: "fm-pegin", targets: ["fm-pegin"]),
        .executable(name: "fm-pegout", targets: ["fm-pegout"]),
        .executable(name: "fm-ln-pay", targets: ["fm-ln-pay"]),
        .executable(name: "fm-bench", targets: ["fm-bench"]),
        .executable(name: "fm-regtest", targets: ["fm-regtest"]),
        .executable(name: "fm-ln-regtest", targets: ["fm-ln-regtest"]),  // Lightning regtest node (lnnode)
        .executable(name: "fm-gateway", targets: ["fm-gateway"]),  // Lightning gateway (gateway)
    ],
    dependencies: dependencies,
    targets: targets + lightningWireTargets + lightningNodeTargets + lightningModuleTargets + gatewayTargets + storageTargets
)
