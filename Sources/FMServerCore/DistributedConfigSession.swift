import FMCore
import FMCrypto

/// What a module's key generation may ask of a running distributed key generation (fm-dkg, BRIEF §4).
///
/// fm-dkg implements this over the guardians' mutually authenticated TLS links; every guardian calls the same
/// methods in the same order with the same arguments (the module init is deterministic given the parameters), so
/// each call is one round of the protocol. A method throws when any peer cheats, equivocates or times out: config
/// generation aborts and nothing is written.
public protocol DistributedConfigSession: Sendable {
    /// All guardians, exactly `0 ..< n`.
    var peers: [PeerID] { get }
    /// The guardian running this session.
    var ownPeer: PeerID { get }
    /// t: how many guardians must cooperate.
    var threshold: Int { get }

    /// Runs `count` independent Pedersen/Feldman DKGs in G2 (degree t − 1), all in the same rounds.
    /// No guardian learns any whole secret; the result is this guardian's share of each key and every
    /// guardian's public key share.
    func generateThresholdKeys(count: Int) async throws -> [DistributedThresholdKey]

    /// Sends one public value to every peer and returns every guardian's value (this one's included), after
    /// checking that each sender gave every guardian the same value.
    func exchangePublicValues(_ value: [UInt8]) async throws -> [PeerID: [UInt8]]
}

/// One threshold key produced by a ``DistributedConfigSession``.
public struct DistributedThresholdKey: Sendable {
    /// pk = sk·G2: the key signatures verify against.
    public let aggregatePublicKey: AggregatePublicKey
    /// pk_i for every guardian, in peer order.
    public let publicKeyShares: [PublicKeyShare]
    /// This guardian's sk_i; never leaves its machine except sealed in its private config.
    public let secretKeyShare: SecretKeyShare

    public init(aggregatePublicKey: AggregatePublicKey, publicKeyShares: [PublicKeyShare], secretKeyShare: SecretKeyShare) {
        self.aggregatePublicKey = aggregatePublicKey
        self.publicKeyShares = publicKeyShares
        self.secretKeyShare = secretKeyShare
    }
}
