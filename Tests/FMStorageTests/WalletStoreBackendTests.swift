import FMBitcoin
import FMCore
import FMServerCore
import FMStorage
import FMTesting
import FMWalletCommon
@testable import FMWalletServer
import Testing

/// The wallet's store and module on both backends (`@Test(arguments: Backend.allCases)`): its migrations run on an
/// empty database of each (on PostgreSQL: `2_fee_bump` without SQLite's table rebuild, `5_peg_out_order` without a
/// rowid), a deposit is claimed once (the primary key decides, without aborting the transaction), peg-outs and
/// bumps keep the order they were built in (`seq`, formerly SQLite's rowid), votes upsert and only rise, chain facts
/// are agreed at the threshold, and the module reaches the same state digest on SQLite and PostgreSQL.
@Suite struct WalletStoreBackendTests {
    static func hash(_ seed: UInt64) -> FMBitcoin.Hash256 {
        try! FMBitcoin.Hash256(bytes: FMCore.Hash256.sha256(Array("\(seed)".utf8)).bytes)
    }

    static func utxo(_ seed: UInt64, vout: UInt32 = 0, sats: UInt64) -> FederationUTXO {
        FederationUTXO(outPoint: FMBitcoin.OutPoint(txid: hash(seed), index: vout), value: sats, tweakKey: nil)
    }

    static func transaction(spending seed: UInt64) -> FMBitcoin.Transaction {
        FMBitcoin.Transaction(
            version: 2, inputs: [TxIn(previousOutput: FMBitcoin.OutPoint(txid: hash(seed), index: 0))],
            outputs: [TxOut(value: 1_000, scriptPubKey: Script([0x51])), TxOut(value: 500, scriptPubKey: Script([0x52]))],
            lockTime: 0)
    }

    @Test(arguments: Backend.allCases)
    func theMigrationsCreateTheWalletTablesOnAnEmptyDatabase(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([WalletSchema.schema])
        try storage.readNow { db throws -> Void in
            #expect(try db.fetchAll("SELECT name, value FROM wallet_state ORDER BY name").map { "\(try $0.text("name"))=\(try $0.int64("value"))" }
                == ["consensus_height=0", "fee_surplus_msat=0", "next_hash_height=0", "scanned_through=0"])
            // Every column the store reads, with 2_fee_bump's and 5_peg_out_order's.
            #expect(try db.fetchAll("SELECT seq, txid, fm_txid, fm_out_index, unsigned_tx, signed_tx, fee, vsize, built_at, confirmed_at FROM wallet_peg_outs").isEmpty)
            #expect(try db.fetchAll("SELECT height, peer FROM wallet_scan_votes").isEmpty)
        }
        // Opened again: nothing left to migrate.
        _ = try place.open([WalletSchema.schema])
    }

    /// `5_peg_out_order` on a database that already holds peg-outs: SQLite copies the rowid order into `seq`;
    /// PostgreSQL has no rowid, so it refuses rows whose order it cannot know (its wallet tables are always created
    /// at once, so this never happens there; `migrate-db` copies rows into a fully migrated database).
    @Test(arguments: Backend.allCases)
    func thePegOutOrderMigrationCopiesTheRowidOrderOrRefusesToGuess(_ backend: Backend) throws {
        let place = try backend.place()
        let released = StorageSchema(prefix: "wallet", migrations: Array(WalletSchema.schema.migrations.prefix(4)))
        let built = [Self.transaction(spending: 1), Self.transaction(spending: 2)].sorted { $1.txid.bytes.lexicographicallyPrecedes($0.txid.bytes) }
        try place.open([released]).writeNow { db throws -> Void in
            for transaction in built {
                try db.execute(
                    "INSERT INTO wallet_peg_outs (txid, fm_txid, fm_out_index, unsigned_tx) VALUES (?, ?, 0, ?)",
                    [transaction.txid.bytes, transaction.txid.bytes, transaction.serialized()])
            }
        }
        switch backend {
        case .sqlite:
            let storage = try place.open([WalletSchema.schema])
            #expect(try storage.readNow { try WalletStore.pegOuts($0).map(\.txid) } == built.map(\.txid))
        case .postgres:
            #expect(throws: DatabaseSetupError.self) { try place.open([WalletSchema.schema]) }
        }
    }

    @Test(arguments: Backend.allCases)
    func aDepositIsClaimedOnceAndTheTransactionGoesOn(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([WalletSchema.schema])
        let deposit = Self.utxo(1, vout: 3, sats: 50_000)
        try storage.writeNow { db throws -> Void in
            #expect(try !WalletStore.isKnown(deposit.outPoint, db: db))
            #expect(try WalletStore.insert(deposit, db: db))
            // The same outpoint again in the same transaction: refused by the key, and the transaction carries on.
            #expect(try !WalletStore.insert(Self.utxo(1, vout: 3, sats: 99_999), db: db))
            #expect(try WalletStore.insert(Self.utxo(2, sats: 7_000), db: db))
            #expect(try WalletStore.isKnown(deposit.outPoint, db: db))
        }
        try storage.writeNow { db throws -> Void in #expect(try !WalletStore.insert(deposit, db: db)) }
        try storage.readNow { db throws -> Void in
            #expect(try WalletStore.utxo(deposit.outPoint, db: db) == deposit)
            #expect(try WalletStore.spendableTotal(db) == 57_000)
            #expect(try WalletStore.spendable(db).count == 2)
        }
        // A plain INSERT of a claimed outpoint is a unique violation (a deterministic rejection), never a second row.
        let error = #expect(throws: StorageError.self) {
            try storage.writeNow { db throws -> Void in
                try db.execute("INSERT INTO wallet_utxos (txid, vout, value) VALUES (?, 3, 1)", [deposit.outPoint.txid.bytes])
            }
        }
        #expect(error?.kind == .uniqueViolation)
        // Spending marks the output once; a second spend of it is a thrown contradiction, not a failed statement.
        try storage.writeNow { db throws -> Void in
            try WalletStore.markSpent(deposit.outPoint, by: Self.hash(9), db: db)
            #expect(throws: WalletStorageError.self) { try WalletStore.markSpent(deposit.outPoint, by: Self.hash(10), db: db) }
            #expect(try WalletStore.spendableTotal(db) == 7_000)
        }
    }

    @Test(arguments: Backend.allCases)
    func pegOutsAndBumpsKeepTheOrderTheyWereBuiltIn(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([WalletSchema.schema])
        // Built in descending txid order, so the build order is not the order of any key.
        let built = (1...4).map { Self.transaction(spending: $0) }
            .sorted { $1.txid.bytes.lexicographicallyPrecedes($0.txid.bytes) }
        try storage.writeNow { db throws -> Void in
            for (index, transaction) in built.enumerated() {
                let isBump = index == 1
                try WalletStore.insertPegOut(
                    transaction, outPoint: isBump ? nil : FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([UInt8(index)])), outIndex: UInt64(index)),
                    fee: 100 + UInt64(index), virtualSize: 150, builtAt: 20 + UInt64(index), db: db)
                // Each one's change, as the module records it.
                #expect(try WalletStore.insert(FederationUTXO(outPoint: FMBitcoin.OutPoint(txid: transaction.txid, index: 1), value: 500, tweakKey: nil), db: db))
            }
            try WalletStore.storeSigned(built[1], db: db)
            try WalletStore.agreeConfirmation(TransactionConfirmation(txid: built[2].txid, height: 30), db: db)
        }
        try storage.readNow { db throws -> Void in
            #expect(try db.fetchAll("SELECT seq FROM wallet_peg_outs ORDER BY seq").map { try $0.int64("seq") } == [0, 1, 2, 3])
            #expect(try WalletStore.pegOuts(db).map(\.txid) == built.map(\.txid))
            #expect(try WalletStore.pegOuts(db).map(\.isBump) == [false, true, false, false])
            #expect(try WalletStore.pegOuts(db).map(\.confirmedAt) == [nil, nil, 30, nil])
            #expect(try WalletStore.unsignedPegOuts(db).map(\.txid) == [built[0].txid, built[2].txid, built[3].txid])
            #expect(try WalletStore.signedPegOuts(db).map(\.txid) == [built[1].txid])
            #expect(try WalletStore.unconfirmedChanges(db).map(\.outPoint.txid) == [built[0].txid, built[1].txid, built[3].txid])
            #expect(try WalletStore.unconfirmedTransactions(db).map(\.txid) == [built[0].txid, built[1].txid, built[3].txid])
            #expect(try WalletStore.pegOutTxid(at: FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([3])), outIndex: 3), db: db) == built[3].txid)
            #expect(try WalletStore.confirmation(of: built[2].txid, db: db) == .some(30))
            #expect(try WalletStore.confirmation(of: built[0].txid, db: db) == .some(nil))
            #expect(try WalletStore.confirmation(of: Self.hash(99), db: db) == nil)
            guard case .member(let ancestor, let transaction) = try WalletStore.packageMember(built[1].txid, db: db) else {
                Issue.record("the bump is not a package member")
                return
            }
            #expect(ancestor == PegOutFeeBump.Ancestor(fee: 101, virtualSize: 150, builtAtHeight: 21))
            #expect(transaction == built[1])
            guard case .confirmedOrForeign = try WalletStore.packageMember(built[2].txid, db: db) else {
                Issue.record("a confirmed peg-out is still a package member")
                return
            }
        }
        // A row with an e-cash txid but no out index breaks 2_fee_bump's CHECK in both backends.
        let broken = #expect(throws: StorageError.self) {
            try storage.writeNow { db throws -> Void in
                try db.execute(
                    "INSERT INTO wallet_peg_outs (seq, txid, fm_txid, unsigned_tx) VALUES (9, ?, ?, ?)",
                    [Self.hash(50).bytes, Self.hash(51).bytes, [UInt8(1)]])
            }
        }
        #expect(broken?.kind == .constraintViolation)
    }

    @Test(arguments: Backend.allCases)
    func votesUpsertOnlyRiseAndChainFactsAreAgreedAtTheThreshold(_ backend: Backend) throws {
        let place = try backend.place()
        let storage = try place.open([WalletSchema.schema])
        let (x, y) = (Self.hash(100), Self.hash(101))
        try storage.writeNow { db throws -> Void in
            try WalletStore.recordHeightVote(50, of: PeerID(0), db: db)
            try WalletStore.recordHeightVote(40, of: PeerID(0), db: db)  // never down
            try WalletStore.recordHeightVote(60, of: PeerID(1), db: db)
            try WalletStore.recordFeeRateVote(3_000, of: PeerID(0), db: db)
            try WalletStore.recordFeeRateVote(2_000, of: PeerID(0), db: db)  // replaced
            try WalletStore.recordScanVote(12, of: PeerID(2), db: db)
            try WalletStore.recordScanVote(11, of: PeerID(2), db: db)  // never down
            try WalletStore.recordScanVote(14, of: PeerID(2), db: db)
            // Hash votes: one per guardian and height, replaced by a new one; agreed at t = 3.
            try WalletStore.setConsensusHeight(20, db: db)
            try ChainFacts.recordHashVotes(first: 5, hashes: [y], from: PeerID(0), threshold: 3, db: db)
            try ChainFacts.recordHashVotes(first: 5, hashes: [x], from: PeerID(1), threshold: 3, db: db)
            try ChainFacts.recordHashVotes(first: 5, hashes: [x], from: PeerID(2), threshold: 3, db: db)
            #expect(try WalletStore.blockHash(at: 5, db: db) == nil)
            #expect(try WalletStore.hashVotes(of: PeerID(0), db: db) == [5: y])
            try ChainFacts.recordHashVotes(first: 5, hashes: [x], from: PeerID(0), threshold: 3, db: db)  // changes its vote
            #expect(try WalletStore.blockHash(at: 5, db: db) == x)
            #expect(try WalletStore.height(of: x, db: db) == 5)
            #expect(try WalletStore.hashVotes(of: PeerID(0), db: db).isEmpty)
        }
        try storage.readNow { db throws -> Void in
            #expect(try WalletStore.heightVote(of: PeerID(0), db: db) == 50)
            #expect(try WalletStore.heightVotes(db).sorted() == [50, 60])
            #expect(try WalletStore.feeRateVote(of: PeerID(0), db: db) == 2_000)
            #expect(try WalletStore.feeRateVotes(db) == [2_000])
            #expect(try WalletStore.scanVote(of: PeerID(2), db: db) == 14)
            #expect(try WalletStore.scanVotes(db) == [14])
            #expect(try WalletStore.lowestAgreedHeight(db) == 5)
            #expect(try WalletStore.nextHashHeight(db) == 0)  // height 0 is not agreed yet
        }
        // Agreeing heights 0 ... 7 moves next_hash_height past the agreed run; confirmation votes replace, agree at t.
        let txid = Self.transaction(spending: 7).txid
        try storage.writeNow { db throws -> Void in
            for peer: UInt16 in 0..<3 {
                try ChainFacts.recordHashVotes(
                    first: 0, hashes: (0..<8).map { $0 == 5 ? x : Self.hash(200 + UInt64($0)) }, from: PeerID(peer), threshold: 3, db: db)
            }
            #expect(try WalletStore.nextHashHeight(db) == 8)
            try WalletStore.insertPegOut(Self.transaction(spending: 7), outPoint: nil, fee: 1, virtualSize: 1, builtAt: 1, db: db)
            try ChainFacts.recordConfirmationVotes([TransactionConfirmation(txid: txid, height: 6)], from: PeerID(0), threshold: 3, db: db)
            try ChainFacts.recordConfirmationVotes([TransactionConfirmation(txid: txid, height: 7)], from: PeerID(1), threshold: 3, db: db)
            try ChainFacts.recordConfirmationVotes([TransactionConfirmation(txid: txid, height: 7)], from: PeerID(2), threshold: 3, db: db)
            #expect(try WalletStore.confirmationVotes(of: PeerID(0), db: db) == [txid: 6])
            #expect(try WalletStore.confirmation(of: txid, db: db) == .some(nil))
            try ChainFacts.recordConfirmationVotes([TransactionConfirmation(txid: txid, height: 7)], from: PeerID(0), threshold: 3, db: db)
            #expect(try WalletStore.confirmation(of: txid, db: db) == .some(7))
            #expect(try WalletStore.confirmationVotes(of: PeerID(1), db: db).isEmpty)
            // Scan votes: the agreed scan is the t-th highest vote; none above the agreed final height (7).
            #expect(try !ChainFacts.recordScanVote(7, from: PeerID(0), threshold: 3, db: db))  // 14 (above), 7
            #expect(try ChainFacts.recordScanVote(6, from: PeerID(1), threshold: 3, db: db))  // 14, 7, 6
            #expect(try WalletStore.scannedThrough(db) == 6)
            #expect(throws: TransactionRejection.self) { try ChainFacts.recordScanVote(19, from: PeerID(3), threshold: 3, db: db) }
        }
        try storage.writeNow { db throws -> Void in
            #expect(try !ChainFacts.recordScanVote(4, from: PeerID(3), threshold: 3, db: db))  // 14, 7, 6, 4
            #expect(try ChainFacts.recordScanVote(7, from: PeerID(3), threshold: 3, db: db))  // 14, 7, 7, 6
            #expect(try WalletStore.scannedThrough(db) == 7)
        }
    }

    // MARK: The module on both backends

    /// A 4-guardian wallet (t = 3) applied at one guardian's database: the items of all four, in consensus order.
    struct Federation {
        static let parameters: JSONValue = .object([
            "network": .string("regtest"), "fees": .object(["peg_in": .unsigned(0), "peg_out": .unsigned(5_000_000)]),
        ])
        let modules: [WalletServerModule]

        init() throws {
            var rng = SeededRandom(seed: 11)
            let peers = (0..<4).map { PeerID(UInt16($0)) }
            let configs = try WalletServerInit().dealerConfigs(peers: peers, threshold: 3, parameters: Self.parameters, using: &rng)
            modules = try peers.map { peer in
                try #require(try WalletServerInit().module(
                    instance: WalletKind.defaultInstance, consensus: configs[peer]!.consensus, private: configs[peer]!.private,
                    ownPeer: peer) as? WalletServerModule)
            }
        }

        /// Applies `item` from `peer` as the processor does (rolled back when rejected); whether it was accepted.
        @discardableResult
        func apply(_ item: WalletConsensusItem, from peer: Int, on storage: any Storage) throws -> Bool {
            try storage.writeNow { db in
                do {
                    try db.inSavepoint { try modules[peer].processConsensusItem(item.canonicalBytes, from: PeerID(UInt16(peer)), db: db) }
                    return true
                } catch is TransactionRejection { return false }
            }
        }

        func everyone(on storage: any Storage, _ item: (PeerID) -> WalletConsensusItem) throws {
            for peer in 0..<4 { #expect(try apply(item(PeerID(UInt16(peer))), from: peer, on: storage)) }
        }

        /// Hash votes of guardians 0, 1, 2 for `heights`.
        func agreeHashes(_ heights: ClosedRange<UInt64>, on storage: any Storage) throws {
            for peer in 0..<3 {
                #expect(try apply(
                    .blockHashes(first: heights.lowerBound, hashes: heights.map { WalletStoreBackendTests.hash(1_000 + $0) }, voter: PeerID(UInt16(peer))),
                    from: peer, on: storage))
            }
        }

        /// Guardians 0, 1, 2 propose what they want now (their signature shares) and the items are applied.
        func signingRound(on storage: any Storage) throws {
            for peer in 0..<3 {
                let items = try storage.readNow { try modules[peer].consensusProposal(db: $0) }
                for item in items { #expect(try apply(try WalletConsensusItem(canonicalBytes: item), from: peer, on: storage)) }
            }
        }

        /// A deposit, a peg-out signed by t guardians, the fee rate rising to 4×, heights and scans moving past the
        /// bump trigger, the child built and signed, the parent agreed confirmed. Returns the state digest.
        func run(on storage: any Storage) throws -> [UInt8] {
            try everyone(on: storage) { .blockHeight(30, voter: $0) }
            try agreeHashes(0...30, on: storage)
            try storage.writeNow { db throws -> Void in
                #expect(try WalletStore.insert(WalletStoreBackendTests.utxo(500, sats: 100_000), db: db))
            }
            let module = modules[0]
            let rate = try storage.readNow { try module.consensusFeeRate($0) }
            let destination = try SegwitAddress(network: .regtest, version: 0, program: [UInt8](repeating: 3, count: 20))
            let fee = try PegOutPlan.suggestedFee(address: destination, amount: 40_000, rate: rate, config: module.config)
            let outPoint = FMCore.OutPoint(txid: TransactionID(FMCore.Hash256.sha256([2])), outIndex: 0)
            let payload = WalletOutput.pegOut(PegOut(address: destination, amount: 40_000, feeRate: rate, fee: fee)).canonicalBytes
            _ = try storage.writeNow { try module.processOutput(payload, outPoint: outPoint, db: $0) }
            try signingRound(on: storage)
            let parent = try #require(try storage.readNow { try WalletStore.signedPegOuts($0) }.first)

            try everyone(on: storage) { .feeRate(rate * 4, voter: $0, atHeight: 30) }
            try everyone(on: storage) { .blockHeight(36, voter: $0) }
            try agreeHashes(31...36, on: storage)
            #expect(try storage.readNow { try WalletStore.pegOuts($0).count } == 1)  // not scanned yet: not due
            for peer in 0..<3 { #expect(try apply(.scannedThrough(36, voter: PeerID(UInt16(peer))), from: peer, on: storage)) }
            let pegOuts = try storage.readNow { try WalletStore.pegOuts($0) }
            #expect(pegOuts.map(\.isBump) == [false, true])
            try signingRound(on: storage)
            #expect(try storage.readNow { try WalletStore.signedPegOuts($0) }.map(\.txid) == pegOuts.map(\.txid))
            for peer in 0..<3 {
                #expect(try apply(.confirmations([TransactionConfirmation(txid: parent.txid, height: 36)], voter: PeerID(UInt16(peer))), from: peer, on: storage))
            }
            #expect(try storage.readNow { try WalletStore.confirmation(of: parent.txid, db: $0) } == .some(36))
            // The endpoints, audit and dashboard read the same tables.
            let audit = try storage.readNow { try module.audit(db: $0) }
            #expect(audit.assets.msats > 0)
            let report = try storage.readNow { try module.dashboardReport(db: $0) }
            #expect(report.tables.first { $0.key == "peg-outs" }?.rows.count == 2)
            return try storage.readNow { try module.stateDigest(db: $0) }
        }
    }

    @Test func theModuleReachesTheSameStateDigestOnBothBackends() throws {
        let federation = try Federation()
        var digests: [Backend: [UInt8]] = [:]
        var places: [StoragePlace] = []
        for backend in Backend.allCases {
            let place = try backend.place()
            places.append(place)
            digests[backend] = try federation.run(on: try place.open([WalletSchema.schema]))
        }
        #expect(digests[.sqlite] == digests[.postgres])
    }
}
