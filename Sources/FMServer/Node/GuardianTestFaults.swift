import FMLightningServer
import FMMintServer
import FMWalletServer

/// TEST ONLY: faults a test can switch on in a real `fm-node` process through its environment, to check
/// that clients and the other guardians survive a misbehaving guardian. Every fault is refused unless the
/// federation runs in dev mode (its consensus config says `dev_mode: true`, which changes the federation id), so a
/// production federation cannot be put in one: the guardian refuses to start.
public enum GuardianTestFaults {
    /// `FM_TEST_MINT_INVALID_SHARES=1`: this guardian serves well-formed but wrong blind signature shares.
    public static let invalidSharesVariable = "FM_TEST_MINT_INVALID_SHARES"
    /// `FM_TEST_LN_INVALID_SHARES=1`: this guardian serves well-formed but wrong decryption shares of incoming
    /// contracts (``LightningServerModule/servesInvalidShares``).
    public static let lightningInvalidSharesVariable = "FM_TEST_LN_INVALID_SHARES"
    /// `FM_TEST_MINT_BAD_HISTORY=1`: this guardian withholds the issuance log from recovery digests and serves
    /// pages with a wrong record (``MintServerModule``).
    public static let badHistoryVariable = "FM_TEST_MINT_BAD_HISTORY"
    /// `FM_TEST_BACKUP_FAULT=tamper|foreign|withhold`: this guardian serves clients' snapshots altered, another
    /// client's snapshot, or none (``BackupTestFault``).
    public static let backupFaultVariable = "FM_TEST_BACKUP_FAULT"
    /// `FM_TEST_SECOND_MODULE_VERSION=KIND`: this guardian's binary also supports the module's unreleased second
    /// consensus version (``GuardianConsensusVersions/testOnly``; `mint`: the issuance chain) and announces it.
    public static let secondModuleVersionVariable = "FM_TEST_SECOND_MODULE_VERSION"

    /// The module kind whose second consensus version `environment` switches on, if any.
    public static func secondModuleVersion(in environment: [String: String]) -> String? {
        environment[secondModuleVersionVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `FM_TEST_BYZANTINE_CONSENSUS=1`: this guardian equivocates, sends votes with forged signatures and garbage
    /// frames to its peers, next to its honest messages (``ByzantineTransport``).
    public static let byzantineConsensusVariable = "FM_TEST_BYZANTINE_CONSENSUS"

    /// Whether `environment` makes this guardian lie to its peers.
    public static func byzantineConsensus(in environment: [String: String]) -> Bool {
        environment[byzantineConsensusVariable] == "1"
    }

    /// The module registry for a guardian started with `environment`: ``ModuleRegistry/standard`` unless a
    /// test fault is switched on.
    public static func registry(environment: [String: String], walletChain: (any WalletChainSource)? = nil) -> ModuleRegistry {
        let invalidShares = environment[invalidSharesVariable] == "1"
        let badHistory = environment[badHistoryVariable] == "1"
        let lightningInvalidShares = environment[lightningInvalidSharesVariable] == "1"
        guard invalidShares || badHistory || lightningInvalidShares else { return .standard(walletChain: walletChain) }
        return ModuleRegistry([
            MintServerInit(servesInvalidSharesForTesting: invalidShares, servesBadHistoryForTesting: badHistory),
            WalletServerInit(chain: walletChain), LightningServerInit(servesInvalidSharesForTesting: lightningInvalidShares),
        ])
    }

    /// The snapshot fault switched on in `environment`, if any.
    public static func backupFault(environment: [String: String]) -> BackupTestFault? {
        environment[backupFaultVariable].flatMap(BackupTestFault.init(rawValue:))
    }

    /// The faults switched on in `environment`, to be logged loudly.
    public static func active(in environment: [String: String]) -> [String] {
        [invalidSharesVariable, badHistoryVariable, lightningInvalidSharesVariable, byzantineConsensusVariable].filter { environment[$0] == "1" }
            + (backupFault(environment: environment).map { ["\(backupFaultVariable)=\($0.rawValue)"] } ?? [])
            + (secondModuleVersion(in: environment).map { ["\(secondModuleVersionVariable)=\($0)"] } ?? [])
    }
}
