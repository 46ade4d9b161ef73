import FMBitcoin
import FMCore
import FMDatabase
import FMSecp256k1
import FMServerCore
import FMStorage
import FMWalletCommon
@testable import FMWalletServer
import Foundation
import Testing

/// The CPFP fee bump in consensus (issue 24 item 9): four guardians fed the same items in the same order build the
/// same child for a stuck peg-out, sign it with the peg-out signature items, send it with its parent as a package,
/// learn the confirmation from the final blocks, and the next peg-out spends the child's change.
@Suite struct FeeBumpConsensusTests {
    /// Peg-out fees of 5,000 sat each, so one peg-out's fee pays for a bump.
    static let parameters: JSONValue = .object([
        "network": .string("regtest"), "fees": .object(["peg_in": .unsigned(0), "peg_out": .unsigned(5_000_000)]),
    ])

    static func read<T>(_ federation: WalletFederation, _ body: (any StorageReading) throws -> T) throws -> [T] {
        try federation.guardians.map { guardian in try guardian.database.readNow { try body($0) } }
    }

    @Test func aStuckPegOutIsBumpedConfirmedAndTheNextPegOutSpendsTheChildsChange() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain, parameters: Self.parameters)
        let config = federation.config
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }  // tip 13: votes 11
        try await federation.roundOfProposals()
        _ = try federation.processInput(.pegIn(proof))

        // A peg-out at the consensus rate; signed, broadcast, never mined (stuck).
        let rate = try federation.guardians[0].database.readNow { try federation.guardians[0].module.consensusFeeRate($0) }
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: rate, config: config)
        let fmTxid = TransactionID(FMCore.Hash256.sha256([2]))
        _ = try federation.processOutput(
            .pegOut(PegOut(address: destination, amount: 40_000, feeRate: rate, fee: fee)), at: FMCore.OutPoint(txid: fmTxid, outIndex: 0))
        try await federation.roundOfProposals()
        for guardian in federation.guardians { await guardian.module.backgroundTick(storage: guardian.database) }
        let parent = try #require(chain.broadcasts.first)
        let collected = 5_000_000 + (try PegOutFeeBump.reserve(fee: fee, feeRate: rate, config: config)) * 1000
        #expect(try Self.read(federation) { try WalletStore.feeSurplus($0) } == Array(repeating: collected, count: 4))

        // The nodes' fee estimates rise to 4× the peg-out's rate: not due until finality delay (2) + 3 heights after it was built.
        chain.setFeeRate(rate * 4)
        try await federation.roundOfProposals()
        #expect(try Self.read(federation) { try WalletServerModule.package(endingWith: parent.txid, db: $0)?.count } == [1, 1, 1, 1])
        #expect(try Self.read(federation) { try WalletStore.unsignedPegOuts($0).count } == [0, 0, 0, 0])
        for _ in 0..<5 { chain.mine([]) }  // tip 18: votes 16
        try await federation.roundOfProposals()

        // Every guardian built the same child from consensus state: it spends the change, pays to the federation.
        let bumps = try Self.read(federation) { db in try WalletStore.pegOuts(db).filter(\.isBump).map(\.unsigned) }
        #expect(Set(bumps.map(\.count)) == [1])
        let child = try #require(bumps.first?.first)
        #expect(Set(bumps.map(\.first)) == [child])
        #expect(child.inputs.map(\.previousOutput) == [FMBitcoin.OutPoint(txid: parent.txid, index: 1)])
        #expect(child.outputs.map(\.scriptPubKey) == [config.descriptor.scriptPubKey])
        let bumpFee = parent.outputs[1].value - child.outputs[0].value
        let packageRate = (fee + bumpFee) * 1000 / UInt64(parent.virtualSize + PegOutPlan.estimatedVirtualSize(of: child, config: config))
        #expect(packageRate >= rate * 4 * 99 / 100)  // the package now pays about the consensus rate
        // The assets fell by the child's fee, taken from the fee surplus; the child's output is the only spendable.
        let assets = (100_000 - 40_000 - fee - bumpFee) * 1000
        #expect(try federation.audits().allSatisfy { $0.assets == Amount(msats: assets) })
        #expect(try Self.read(federation) { try WalletStore.feeSurplus($0) } == Array(repeating: collected - bumpFee * 1000, count: 4))
        #expect(try Self.read(federation) { try WalletStore.spendable($0).map(\.outPoint) }
            == Array(repeating: [FMBitcoin.OutPoint(txid: child.txid, index: 0)], count: 4))

        // Signed through the existing signature items, then sent with its parent as one package; scripts verify.
        try await federation.roundOfProposals()
        for guardian in federation.guardians { await guardian.module.backgroundTick(storage: guardian.database) }
        let package = try #require(chain.packages.last)
        #expect(package.map(\.txid) == [parent.txid, child.txid])

        // Mined; once final, every guardian records both as confirmed and stops sending them.
        chain.mine(package)  // block 19
        for _ in 0..<2 { chain.mine([]) }  // tip 21: votes 19
        try await federation.roundOfProposals()
        #expect(try Self.read(federation) { db in try WalletStore.pegOuts(db).map(\.confirmedAt) } == Array(repeating: [19, 19], count: 4))
        #expect(try Self.read(federation) { try WalletStore.signedPegOuts($0).count } == [0, 0, 0, 0])
        let sent = chain.broadcasts.count + chain.packages.count
        for guardian in federation.guardians { await guardian.module.backgroundTick(storage: guardian.database) }
        #expect(chain.broadcasts.count + chain.packages.count == sent)

        // The next peg-out spends the child's change; the audit follows it.
        let nextFee = try PegOutPlan.suggestedFee(address: destination, amount: 10_000, rate: rate * 4, config: config)
        _ = try federation.processOutput(
            .pegOut(PegOut(address: destination, amount: 10_000, feeRate: rate * 4, fee: nextFee)),
            at: FMCore.OutPoint(txid: fmTxid, outIndex: 1))
        let next = try Self.read(federation) { db in try WalletStore.unsignedPegOuts(db).map(\.unsigned) }
        #expect(Set(next).count == 1)
        #expect(next[0].first?.inputs.map(\.previousOutput) == [FMBitcoin.OutPoint(txid: child.txid, index: 0)])
        #expect(try federation.audits().allSatisfy { $0.assets == Amount(msats: assets - (10_000 + nextFee) * 1000) })
    }

    /// A peg-out mined at once is not bumped when the consensus height jumps past its trigger before its
    /// confirmation is agreed (confirmations are chain facts, agreed rounds after the height advance): the trigger
    /// counts only heights t guardians scanned, and none scans past a mined peg-out before its confirmation is agreed.
    /// Before `scanned_through`, every guardian built a useless child here, paid from the fee surplus.
    @Test func aPegOutMinedBeforeTheHeightJumpsIsNotBumped() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain, parameters: Self.parameters)
        let config = federation.config
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }  // tip 13: votes 11
        try await federation.roundOfProposals()
        _ = try federation.processInput(.pegIn(proof))
        let rate = try federation.guardians[0].database.readNow { try federation.guardians[0].module.consensusFeeRate($0) }
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: rate, config: config)
        _ = try federation.processOutput(
            .pegOut(PegOut(address: destination, amount: 40_000, feeRate: rate, fee: fee)),
            at: FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([2])), outIndex: 0))
        try await federation.roundOfProposals()
        for guardian in federation.guardians { await guardian.module.backgroundTick(storage: guardian.database) }
        let parent = try #require(chain.broadcasts.first)
        chain.setFeeRate(rate * 4)
        try await federation.roundOfProposals()

        // Mined in the very next block (14); the nodes are 4 blocks further before the guardians' next round
        // (tip 18: votes 16, the trigger's height for a peg-out built at 11).
        chain.mine([parent])
        for _ in 0..<4 { chain.mine([]) }
        try await federation.roundOfProposals()
        #expect(try Self.read(federation) { db in try WalletStore.pegOuts(db).filter { !$0.isBump }.map(\.confirmedAt) }
            == Array(repeating: [14], count: 4))
        #expect(try Self.read(federation) { db in try WalletStore.pegOuts(db).filter(\.isBump).count } == [0, 0, 0, 0])
        #expect(try Self.read(federation) { try WalletStore.scannedThrough($0) } == [16, 16, 16, 16])
        #expect(try federation.audits().allSatisfy { $0.assets == Amount(msats: (100_000 - 40_000 - fee) * 1000) })
    }

    /// Issue 24 item 9 (a): with the default fees (1,000 msat per peg-out) the surplus never paid a bump; now each
    /// peg-out pays a bump reserve (its fee plus a child's fee at twice its rate), so a default federation bumps a
    /// peg-out stuck below twice its rate from that peg-out's own charge, and the audit stays solvent.
    @Test func defaultFeesFundABumpToTwiceThePegOutsRate() async throws {
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain)
        let config = federation.config
        #expect(config.fees == .default)
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }
        try await federation.roundOfProposals()
        _ = try federation.processInput(.pegIn(proof))
        let rate = try federation.guardians[0].database.readNow { try federation.guardians[0].module.consensusFeeRate($0) }
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: rate, config: config)
        let pegOut = PegOut(address: destination, amount: 40_000, feeRate: rate, fee: fee)
        let meta = try federation.processOutput(.pegOut(pegOut), at: FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([4])), outIndex: 0))
        let reserve = try PegOutFeeBump.reserve(fee: fee, feeRate: rate, config: config)
        #expect(reserve > fee)
        #expect(meta.fee == Amount(msats: 1_000 + reserve * 1_000))
        #expect(try pegOut.federationFee(config: config) == meta.fee)  // what the client pays
        #expect(try Self.read(federation) { try WalletStore.feeSurplus($0) } == Array(repeating: 1_000 + reserve * 1_000, count: 4))
        let quote = try federation.guardians[0].database.readNow { db in
            try PegOutPlan.quote(address: destination, amount: 10_000, rate: rate, utxos: try WalletStore.spendable(db), config: config)
        }
        #expect(quote.bumpReserveSats == (try PegOutFeeBump.reserve(fee: quote.fee, feeRate: rate, config: config)))
        try await federation.roundOfProposals()

        // The rate doubles; past the wait every guardian builds the same child, paid from the reserve.
        chain.setFeeRate(rate * 2)
        for _ in 0..<6 { chain.mine([]) }
        try await federation.roundOfProposals()
        let bumps = try Self.read(federation) { db in try WalletStore.pegOuts(db).filter(\.isBump).map(\.txid) }
        #expect(Set(bumps).count == 1 && bumps[0].count == 1, "no bump: \(bumps)")
        let surplus = try Self.read(federation) { try WalletStore.feeSurplus($0) }
        #expect(Set(surplus).count == 1 && surplus[0] >= 1_000 && surplus[0] < 1_000 + reserve * 1_000)
    }

    @Test func noBumpWithoutTheSurplusToPayIt() async throws {
        // The default peg-out fee (1 sat) cannot pay a child: the peg-out stays as it is, the audit unchanged.
        let chain = FakeChain(height: 10)
        let federation = try WalletFederation(peers: 4, chain: chain)
        let config = federation.config
        let proof = try WalletModuleTests().deposit(100_000, federation: federation, tweak: Keypair(using: &SeededRandomBox.rng))
        for _ in 0..<2 { chain.mine([]) }
        try await federation.roundOfProposals()
        _ = try federation.processInput(.pegIn(proof))
        let rate = try federation.guardians[0].database.readNow { try federation.guardians[0].module.consensusFeeRate($0) }
        let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
        let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: rate, config: config)
        _ = try federation.processOutput(
            .pegOut(PegOut(address: destination, amount: 40_000, feeRate: rate, fee: fee)),
            at: FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([3])), outIndex: 0))
        let before = try federation.audits().map(\.assets)
        chain.setFeeRate(rate * 4)
        for _ in 0..<6 { chain.mine([]) }  // past the finality delay + 3 heights: due, but unaffordable
        try await federation.roundOfProposals()
        #expect(try Self.read(federation) { try WalletStore.consensusHeight($0) } == [17, 17, 17, 17])
        #expect(try Self.read(federation) { try WalletStore.scannedThrough($0) } == [17, 17, 17, 17])  // due: only the surplus stops it
        #expect(try Self.read(federation) { db in try WalletStore.pegOuts(db).filter(\.isBump).count } == [0, 0, 0, 0])
        #expect(try federation.audits().map(\.assets) == before)
    }

    /// Migration `2_fee_bump` keeps every peg-out (and its rowid, the broadcast order), and `5_peg_out_order` copies
    /// that order into `seq`; one built before it has no recorded fee, so its package is never bumped; the surplus
    /// starts at 0.
    @Test func migrationKeepsPegOutsAndNeverBumpsTheUnrecordedOnes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fm-wallet-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let txid = try FMBitcoin.Hash256(bytes: [UInt8](repeating: 0xee, count: 32))
        let transaction = FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: .zero, index: 0))],
            outputs: [TxOut(value: 1_000, scriptPubKey: Script([0x51]))], lockTime: 0)
        #expect(transaction.txid.bytes.lexicographicallyPrecedes(txid.bytes))  // built first, sorted last: the rowid order, not the txid order
        do {
            let old = try SQLiteStorage(
                path: path, schemas: [StorageSchema(prefix: "wallet", migrations: [WalletSchema.schema.migrations[0]])])
            try old.writeNow { db in
                for (rowid, id) in [(5, txid), (9, transaction.txid)] {
                    try db.execute(
                        "INSERT INTO wallet_peg_outs (rowid, txid, fm_txid, fm_out_index, unsigned_tx) VALUES (?, ?, ?, 0, ?)",
                        [rowid, id.bytes, id.bytes, transaction.serialized()])
                }
            }
        }
        let migrated = try SQLiteStorage(path: path, schemas: [WalletSchema.schema])
        try migrated.readNow { db throws in
            #expect(try db.fetchAll("SELECT rowid, seq FROM wallet_peg_outs ORDER BY rowid").map { [try $0.int64(0), try $0.int64(1)] }
                == [[5, 4], [9, 8]])
            #expect(try WalletStore.pegOuts(db).map(\.txid) == [txid, transaction.txid])
            #expect(try WalletStore.pegOuts(db).map(\.isBump) == [false, false])
            #expect(try WalletStore.unconfirmedTransactions(db).count == 2)
            #expect(try WalletServerModule.package(endingWith: transaction.txid, db: db) == nil)
            #expect(try WalletStore.feeSurplus(db) == 0)
        }
    }
}
